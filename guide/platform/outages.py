"""A database that is down or too busy answers the site's 503 page, never a 500.

- An `OperationalError` or `InterfaceError` (connection refused or lost, SQLite's
  "database is locked" after the busy timeout) raised by a view becomes the 503 page with
  `Retry-After`; one raised in a middleware (a session saved after the view) reaches
  `server_error`, Django's `handler500`, which does the same. The page is rendered without
  the request, so it needs neither the session nor the database.
- Nothing needs restarting when the database returns: Django drops a broken connection at
  the end of the request (and checks a kept one before reuse, `conn_health_checks`), so the
  next request connects afresh.
- On SQLite, writers wait for one another (one writes at a time). At most half of a
  process's threads may wait to write (others wait a second for a slot, then get the 503
  page), so reads always have threads left; a write that cannot get the database within
  the busy timeout (5 s, its wait for a slot included) gets the 503 page too.
"""

import logging
import os
import sys
import threading
import time
from http import HTTPStatus

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
# A write waits this long for one of the process's write slots: normal writes take
# milliseconds, and a writer waiting here holds a thread that a read could use.
WRITE_SLOT_WAIT = 1.0


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, OperationalError | InterfaceError)


def service_unavailable() -> HttpResponse:
    """The 503 page, rendered without touching the session or the database."""
    response = HttpResponse(
        loader.render_to_string("503.html"), status=HTTPStatus.SERVICE_UNAVAILABLE
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def sqlite_write_slots() -> int:
    """How many of a process's threads may wait to write (half of gunicorn's threads)."""
    return max(1, int(os.environ.get("GUNICORN_THREADS", "4")) // 2)


def set_busy_timeout(seconds: float) -> None:
    """How long this thread's SQLite connection waits for the write lock."""
    connection.ensure_connection()
    connection.connection.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.write_slots = (
            threading.BoundedSemaphore(sqlite_write_slots())
            if connection.vendor == "sqlite"
            else None
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.write_slots is None or request.method in SAFE_METHODS:
            return self.get_response(request)
        deadline = time.monotonic() + settings.SQLITE_BUSY_TIMEOUT
        if not self.write_slots.acquire(timeout=WRITE_SLOT_WAIT):
            logger.warning("Database busy: %s %s answered 503", request.method, request.path)
            return service_unavailable()
        try:
            # The time spent waiting for a slot counts: the whole wait stays within the timeout.
            set_busy_timeout(max(0.1, deadline - time.monotonic()))
            return self.get_response(request)
        finally:
            set_busy_timeout(settings.SQLITE_BUSY_TIMEOUT)
            self.write_slots.release()

    def process_exception(self, request: HttpRequest, exception: Exception):
        if not is_database_outage(exception):
            return None
        logger.warning("Database unavailable: %s %s: %s", request.method, request.path, exception)
        return service_unavailable()


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    """`handler500`: a database outage met outside a view is still a 503."""
    if is_database_outage(sys.exc_info()[1]):
        return service_unavailable()
    return defaults.server_error(request, template_name)
