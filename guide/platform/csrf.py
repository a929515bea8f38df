"""CSRF protection that lets reading pages stay free of tokens for visitors without a session.

The roadmap and stage pages are cached whole for visitors without a session, so their tick
forms carry no token. Such a visitor's tick (views decorated `@origin_checked_first_post`)
is checked by the browser's `Origin` header instead, or `Sec-Fetch-Site: same-origin` where
a browser sends no Origin: a missing or foreign origin is refused. Every visitor who has a
session keeps Django's full token check.
"""

from functools import wraps

from django.middleware.csrf import REASON_BAD_ORIGIN, CsrfViewMiddleware, _get_failure_view
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from guide.visibility import has_private_state

REASON_NO_ORIGIN = "Origin checking failed - no Origin or Sec-Fetch-Site header."


def origin_problem(request) -> str | None:
    """Why this POST does not come from a page of this site, or None if it does."""
    if "HTTP_ORIGIN" in request.META:
        checker = CsrfViewMiddleware(lambda request: None)
        if checker._origin_verified(request):
            return None
        return REASON_BAD_ORIGIN % request.META["HTTP_ORIGIN"]
    if request.headers.get("Sec-Fetch-Site") == "same-origin":
        return None
    return REASON_NO_ORIGIN


def origin_checked_first_post(view):
    """Check a visitor without a session by origin; everyone else by token, as usual."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if has_private_state(request) or getattr(request, "_dont_enforce_csrf_checks", False):
            return protected(request, *args, **kwargs)
        if request.method == "POST" and (reason := origin_problem(request)):
            return _get_failure_view()(request, reason=reason)
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
