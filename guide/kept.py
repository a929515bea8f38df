"""What the site keeps for a content version: in the shared cache, for every process and
node, and what this process used lately, in its own memory.

Every key names the content version and the release (guide.pagecache), so what is kept
under a key is exact for as long as it is kept: this process answers from its memory
without asking the shared cache (no round trip to Redis, no unpickling), and an edit, which
bumps the version, moves every request to new keys. Values are shared by requests: read
them, never change them. Errors of the shared cache reach the caller, which renders
without it.
"""

from typing import Any

from django.core.cache import cache

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
