"""Where sessions live, how long, and how pages for signed-in learners are cached.

Sessions live in the database (`SESSION_ENGINE = "guide.platform.sessions"`), read from the shared
cache first where there is one (`SESSION_READ_THROUGH_CACHE`, with Redis: Django's
`cached_db`), and read from the database with a compiled query (guide.serving.compiled): every
request with a session reads it.

Sessions slide: while a visitor keeps coming back, the session is renewed, at most once a
day (so reading pages do not write to the database on every request). A guest's session
ends after `SESSION_COOKIE_AGE` (180 days) without a visit, a signed-in one after
`ACCOUNT_SESSION_AGE` (30 days). `manage.py clearsessions` deletes the ended ones.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import cached_db, db
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control

from guide.platform import auth
from guide.serving.compiled import CompiledQuery
from guide.visibility import has_session

RENEWED_ON = "renewed_on"
SESSION_BY_KEY = CompiledQuery(lambda key: Session.objects.filter(session_key=key), str)


class CompiledRead:
    """Read the session's row with a compiled query; an ended session is no session."""

    def _get_session_from_db(self):
        session = SESSION_BY_KEY.first(self.session_key)
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session


class DatabaseStore(CompiledRead, db.SessionStore):
    pass


class CachedDatabaseStore(CompiledRead, cached_db.SessionStore):
    pass


SessionStore = CachedDatabaseStore if settings.SESSION_READ_THROUGH_CACHE else DatabaseStore


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_session(request):  # read below anyway
            auth.adopt_legacy_backend(request.session)  # before the user is read
        response = self.get_response(request)
        session = request.session
        # A cookieless visitor's untouched session stays unread; a session that holds
        # nothing (a made-up or ended cookie) is never saved.
        if not (has_session(request) or session.accessed) or not session.keys():
            return response
        signed_in = SESSION_KEY in session
        age = settings.ACCOUNT_SESSION_AGE if signed_in else None  # None: SESSION_COOKIE_AGE
        if session.get("_session_expiry") != age:
            session.set_expiry(age)
        today = timezone.now().date().isoformat()
        if session.get(RENEWED_ON) != today:
            session[RENEWED_ON] = today  # saving renews the expiry and the cookie
        if signed_in:
            patch_cache_control(response, private=True, no_store=True)
        return response
