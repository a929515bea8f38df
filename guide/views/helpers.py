"""What the views share: the typed request, the 400 page, the reading pages' ETag, the
neighbours of a row and the section that carries a page's text."""

import hashlib
from functools import lru_cache
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from guide.models import ContentVersion, Section
from guide.visibility import has_session


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash that changes with the code, templates and static files (a deploy)."""
    digest = hashlib.sha256()
    for folder in ("config", "guide", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def reader_etag(request: HtmxHttpRequest, *args, **kwargs) -> str | None:
    """The ETag of a reading page: the content version, the code, whole page or region.

    Only for visitors without a session (their pages are the same for everyone); an edit
    bumps the shared version, so the next request gets the new page, never a stale 304.
    """
    if has_session(request):
        return None
    region = "region" if request.htmx else "page"
    return f'"{ContentVersion.current()}-{code_fingerprint()}-{region}"'


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
    """The article section that carries a structured page's text."""
    return Section.objects.visible(drafts).filter(feature=feature).first()
