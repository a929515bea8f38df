from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from guide import progress as rules
from guide.serving import skeletons
from guide.visibility import has_private_state, has_session, is_editor, signed_in_user


def account(request: HttpRequest) -> dict:
    """The signed-in user, or None (a cookieless visitor's session stays unread), and
    whether the visitor has a session (then forms carry a CSRF token) or starts one now."""
    session = getattr(request, "session", None)
    started = session is not None and session.modified
    return {
        "account_user": signed_in_user(request),
        "has_session": has_private_state(request) or started,
        # Read only by the pages that show it (includes/continue.html).
        "next_item": SimpleLazyObject(lambda: next_item(request)),
    }


def next_item(request: HttpRequest):
    """Where the learner left off (None for a visitor without a session: nothing read)."""
    if not has_session(request) or not hasattr(request, "user"):
        return None
    return rules.learner_progress(request, drafts=is_editor(request)).continue_at


def drafts(request: HttpRequest) -> dict:
    """Whether this page shows drafts (to an editor): the banner and the badges."""
    return {"show_drafts": is_editor(request)}


def token_slot(request: HttpRequest) -> dict:
    """While a skeleton is cut, forms get a slot for the CSRF token, which each page sent
    gets filled with its visitor's own (guide.serving.skeletons): no token is ever kept."""
    return {"csrf_token": skeletons.TOKEN_SLOT} if skeletons.marking(request) else {}
