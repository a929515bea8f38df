"""Probes for process managers and load balancers.

`/healthz` (liveness) answers as long as the process serves requests: it touches nothing, so
a database outage never gets healthy nodes restarted. `/readyz` (readiness) checks the
database and the cache and answers 503 when either is down, so a load balancer takes the
node out of rotation until both are back.
"""

import logging
from http import HTTPStatus

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from guide.platform.methods import require_safe

logger = logging.getLogger(__name__)

READY_KEY = "readyz"


@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Readiness: database unavailable: %s", error)
        return False
    return True


def cache_ok() -> bool:
    """A round trip through the cache (the forgiving Redis cache answers a miss when down)."""
    try:
        cache.set(READY_KEY, 1, timeout=10)
        return cache.get(READY_KEY) == 1
    except Exception as error:  # any backend's failure means "not ready", never a 500
        logger.warning("Readiness: cache unavailable: %s", error)
        return False


@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks = {"database": database_ok(), "cache": cache_ok()}
    body = "".join(f"{name} {'ok' if ok else 'unavailable'}\n" for name, ok in checks.items())
    status = HTTPStatus.OK if all(checks.values()) else HTTPStatus.SERVICE_UNAVAILABLE
    return HttpResponse(body, content_type="text/plain", status=status)
