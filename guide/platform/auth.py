"""Signing in with a password: Django's `ModelBackend`, reading the account with a compiled
query (guide.serving.compiled), since every request of a signed-in learner reads it.

Sessions made before this backend name Django's: `SessionLifetimeMiddleware` moves them to
this one on their next request (`adopt_legacy_backend`), so nobody is signed out by it.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError

from guide.serving.compiled import CompiledQuery

BACKEND = "guide.platform.auth.AccountBackend"
# Backends that sessions signed in earlier may name: Django's, and this one at its old path.
LEGACY_BACKENDS = {"django.contrib.auth.backends.ModelBackend", "guide.auth.AccountBackend"}
ACCOUNT_BY_ID = CompiledQuery(lambda pk: get_user_model()._default_manager.filter(pk=pk), int)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = get_user_model()._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = ACCOUNT_BY_ID.first(pk)
        return user if user is not None and self.user_can_authenticate(user) else None


def adopt_legacy_backend(session: SessionBase) -> None:
    """A session signed in through Django's own backend is signed in through ours."""
    if session.get(BACKEND_SESSION_KEY) in LEGACY_BACKENDS:
        session[BACKEND_SESSION_KEY] = BACKEND
