"""Who the visitor is, as far as what they may see goes: editors see drafts, readers never.

Nothing here is ambient: views ask `is_editor(request)` once and pass the answer on
(`Model.objects.visible(drafts)`, forms, search, progress), so what a reader sees never
depends on import order, a global or a context variable.
"""

from django.conf import settings
from django.http import HttpRequest

EDITOR_PERMISSION = "guide.change_section"
# Cookies that make a page the visitor's own: a session, or a message waiting to be shown.
PRIVATE_COOKIES = (settings.SESSION_COOKIE_NAME, "messages")


def has_session(request: HttpRequest) -> bool:
    """Whether the visitor has a session cookie.

    Asking leaves the session unread (reading it adds `Vary: Cookie`): a reader without a
    session cannot be signed in, and gets pages free of per-visitor state.
    """
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def has_private_state(request: HttpRequest) -> bool:
    """Whether the visitor has a session or a pending message (their page is their own)."""
    return any(name in request.COOKIES for name in PRIVATE_COOKIES)


def signed_in_user(request: HttpRequest):
    """The signed-in user, or None; the session is read only if there is one.

    A request refused before the middleware ran (a bad Host, say) has no user: None.
    """
    if not has_session(request):
        return None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def is_editor(request: HttpRequest) -> bool:
    """Staff who may edit the guide: they see drafts, marked as such."""
    user = signed_in_user(request)
    return bool(user and user.is_active and user.is_staff and user.has_perm(EDITOR_PERMISSION))
