"""What the site keeps for a content version: in the shared cache, for every process and
node, and what this process used lately, in its own memory.

Every key names the content version and the release, so what is kept under a key is exact
for as long as it is kept: this process answers from its memory
without asking the shared cache (no round trip to Redis, no unpickling), and an edit, which
bumps the version, moves every request to new keys. Values are shared by requests: read
them, never change them. Errors of the shared cache reach the caller, which renders
without it.
"""

import hashlib
import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest

from guide.models import ContentVersion, Version

logger = logging.getLogger(__name__)

TIMEOUT = 60 * 60 * 24  # a day: what older versions kept is never asked for again

# What this process used lately, by key; cleared whole when full (it refills from the
# shared cache).
_recent: dict[str, Any] = {}
RECENT_LIMIT = 256


def forget_recent() -> None:
    """Forget what this process kept (as tests do, whose rolled-back transactions take the
    content version back)."""
    _recent.clear()


def remember(key: str, value: Any) -> None:
    if len(_recent) >= RECENT_LIMIT:
        _recent.clear()
    _recent[key] = value


def recall(key: str) -> Any | None:
    """What is kept under `key`, or None."""
    value = _recent.get(key)
    if value is None:
        value = cache.get(key)
        if value is not None:
            remember(key, value)
    return value


def keep(key: str, value: Any, timeout: int) -> None:
    """Keep `value` (never None) under `key` for `timeout` seconds."""
    remember(key, value)
    cache.set(key, value, timeout)


def keep_many(values: dict[str, Any], timeout: int) -> None:
    for key, value in values.items():
        remember(key, value)
    cache.set_many(values, timeout)


@lru_cache(maxsize=1)
def release() -> str:
    """A short hash that changes with the code, templates and static files (a deploy)."""
    digest = hashlib.sha256()
    for folder in ("config", "guide", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


_last_version: list[Version] = []


def content_version() -> Version:
    """The current content version, exact across processes and nodes.

    It lives in the database, which every worker and node shares, and an edit bumps it in
    the edit's own transaction; each process reads it at most once per lease, and an edit
    completes only once every lease taken before it has run out (`ContentVersion`). While
    the database is unreachable, the last number seen is used, so cached pages can still be
    served.
    """
    try:
        version = ContentVersion.current()
    except DatabaseError:
        if _last_version:
            return _last_version[0]
        raise
    _last_version[:] = [version]
    return version


def request_version(request: HttpRequest) -> Version:
    """The content version for this request, read once (the page cache reads it first)."""
    version = getattr(request, "content_version", None)
    if version is None:
        version = request.content_version = content_version()
    return version


def per_version(request: HttpRequest, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`, worked out once per content version (and release) for every process
    and node: kept under `name`, which says what it depends on. What it returns is shared
    by requests: read it, never change it."""
    key = f"version:{request_version(request)}:{release()}:{name}"
    try:
        value = recall(key)
    except Exception:
        logger.warning("page cache unavailable: computing %s", name)
        return compute()
    if value is None:
        value = (compute(),)  # a tuple, so that None can be kept too
        try:
            keep(key, value, TIMEOUT)
        except Exception:
            logger.warning("page cache unavailable: %s not kept", name)
    return value[0]
