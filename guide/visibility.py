"""Who sees drafts: editors do, readers never.

Unpublished content is hidden from readers everywhere (pages, lists, filters, search,
the roadmap) by one mechanism: the content models' default manager leaves out drafts
while `drafts_visible` is false. `DraftsMiddleware` sets it for each request; outside
requests (management commands, fixtures, the shell) everything is visible.
"""

from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

drafts_visible: ContextVar[bool] = ContextVar("drafts_visible", default=True)

EDITOR_PERMISSION = "guide.change_section"


def has_session(request: HttpRequest) -> bool:
    """Whether the visitor has a session cookie.

    Asking leaves the session unread (reading it adds `Vary: Cookie`): a reader without a
    session cannot be signed in, and gets pages free of per-visitor state.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def signed_in_user(request: HttpRequest):
    """The signed-in user, or None; the session is read only if there is one."""
    if not has_session(request):
        return None
    user = request.user
    return user if user.is_authenticated else None


def is_editor(request: HttpRequest) -> bool:
    """Staff who may edit the guide."""
    user = signed_in_user(request)
    return bool(user and user.is_active and user.is_staff and user.has_perm(EDITOR_PERMISSION))


class DraftsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = drafts_visible.set(is_editor(request))
        try:
            return self.get_response(request)
        finally:
            drafts_visible.reset(token)
