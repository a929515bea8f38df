"""Rate limits that are not about passwords (those are django-axes'), and the 429 page.

The counts live in the default cache through django-ratelimit: with REDIS_URL every
worker and node shares them; the local-memory default counts per process.
"""

from collections.abc import Callable
from functools import wraps
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from guide.visibility import has_session


def over_limit(request: HttpRequest, *, group: str, rate: str, key="ip") -> int | None:
    """Count this request in `group`; if that exceeds `rate`, the seconds until it lifts.

    `key` is django-ratelimit's: "ip" is the client (guide.platform.clientip), or a callable
    `(group, request) -> str`.
    """
    usage = get_usage(request, group=group, key=key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, usage["time_left"])


def too_many_requests(request: HttpRequest, retry_after: int, what: str) -> HttpResponse:
    """The site's 429 page, saying what was limited and when to try again."""
    minutes = max(1, round(retry_after / 60))
    context = {"what": what, "minutes": minutes}
    response = render(request, "429.html", context, status=HTTPStatus.TOO_MANY_REQUESTS)
    response["Retry-After"] = str(retry_after)
    return response


def has_saved_session(request: HttpRequest) -> bool:
    """Whether the visitor's cookie names a session that holds something.

    A cookieless visitor's session is never read; a made-up cookie reads as empty.
    """
    return has_session(request) and bool(request.session.keys())


def limit_new_guest_sessions(view: Callable) -> Callable:
    """Limit how often one client may start a guest session by posting without one."""

    @wraps(view)
    def limited_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not has_saved_session(request):
            retry_after = over_limit(
                request, group="new-guest-session", rate=settings.RATELIMIT_NEW_GUEST_SESSIONS
            )
            if retry_after:
                return too_many_requests(
                    request,
                    retry_after,
                    "Too many new visitors have ticked items from your network",
                )
        return view(request, *args, **kwargs)

    return limited_view
