"""A Redis cache that never fails a request.

The cache only ever makes the site faster: when Redis is unreachable, every operation
answers as a miss (and writes are dropped), the error is logged once, and Redis is left
alone for `RETRY_AFTER` seconds so that readers do not each wait for a refused or timed-out
connection. The first operation after that pause tries Redis again.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0


def _forgiving(on_failure):
    """Run the Redis operation; while Redis is down, return `on_failure(*args, **kwargs)`."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self.down_until:
                return on_failure(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except RedisError as error:
                # Shared by the process's threads (each has its own cache object).
                type(self).down_until = time.monotonic() + RETRY_AFTER
                logger.warning(
                    "Cache unavailable, serving without it for %.0f s: %s", RETRY_AFTER, error
                )
                return on_failure(*args, **kwargs)

        return wrapper

    return decorate


def _miss(key, default=None, *args, **kwargs):
    return default


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class ForgivingRedisCache(RedisCache):
    down_until = 0.0

    add = _forgiving(lambda *a, **k: False)(RedisCache.add)
    get = _forgiving(_miss)(RedisCache.get)
    set = _forgiving(lambda *a, **k: None)(RedisCache.set)
    touch = _forgiving(lambda *a, **k: False)(RedisCache.touch)
    delete = _forgiving(lambda *a, **k: False)(RedisCache.delete)
    get_many = _forgiving(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _forgiving(lambda *a, **k: False)(RedisCache.has_key)
    incr = _forgiving(_missing_key)(RedisCache.incr)
    set_many = _forgiving(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _forgiving(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _forgiving(lambda *a, **k: False)(RedisCache.clear)
