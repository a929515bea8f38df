"""What the views share: the typed request, the 400 page, the neighbours of a row and the
section that carries a page's text. (Reading pages' ETags: guide.serving.pagecache.)"""

from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from guide.models import Section


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The 400 page, saying what was wrong."""
    return render(
        request, "400.html", {"exception_message": message}, status=HTTPStatus.BAD_REQUEST
    )


def neighbours(rows: list, current) -> tuple:
    """Return the rows before and after `current` in `rows` (None at either end)."""
    index = rows.index(current)
    previous = rows[index - 1] if index > 0 else None
    following = rows[index + 1] if index + 1 < len(rows) else None
    return previous, following


def section_for(feature: str, *, drafts: bool) -> Section | None:
    """The article section that carries a structured page's text (None: there is none)."""
    return Section.objects.visible(drafts).filter(feature=feature).first()
