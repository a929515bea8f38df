from django.conf import settings
from django.http import HttpRequest

from guide.visibility import drafts_visible


def account(request: HttpRequest) -> dict:
    """The signed-in user, or None, without touching the session of a cookieless visitor.

    Reading the session adds `Vary: Cookie`; a reader who has no session cookie cannot be
    signed in, so their pages stay free of per-visitor state and cacheable whole.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return {"account_user": None}
    user = request.user
    return {"account_user": user if user.is_authenticated else None}


def drafts(request: HttpRequest) -> dict:
    """Whether this page shows drafts (to an editor), for the banner and the badges."""
    return {"show_drafts": drafts_visible.get()}
