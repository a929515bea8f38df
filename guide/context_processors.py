from django.http import HttpRequest

from guide.visibility import is_editor, signed_in_user


def account(request: HttpRequest) -> dict:
    """The signed-in user, or None (a cookieless visitor's session stays unread)."""
    return {"account_user": signed_in_user(request)}


def drafts(request: HttpRequest) -> dict:
    """Whether this page shows drafts (to an editor): the banner and the badges."""
    return {"show_drafts": is_editor(request)}
