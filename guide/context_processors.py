from django.http import HttpRequest

from guide.pagecache import has_private_state
from guide.visibility import is_editor, signed_in_user


def account(request: HttpRequest) -> dict:
    """The signed-in user, or None (a cookieless visitor's session stays unread), and
    whether the visitor has a session (then forms carry a CSRF token) or starts one now."""
    session = getattr(request, "session", None)
    started = session is not None and session.modified
    return {
        "account_user": signed_in_user(request),
        "has_session": has_private_state(request) or started,
    }


def drafts(request: HttpRequest) -> dict:
    """Whether this page shows drafts (to an editor): the banner and the badges."""
    return {"show_drafts": is_editor(request)}
