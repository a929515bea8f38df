"""Liveness, readiness, and what readers get while the database or the cache is down."""

import logging
import time
from http import HTTPStatus

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError
from django.urls import reverse

from guide.models.content import RoadmapStageQuerySet
from guide.platform.cache import ForgivingRedisCache
from guide.platform.sessions import SessionStore
from tests.factories import HOME, ROADMAP
from tests.servers import free_port


def test_healthz_is_cheap(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("guide:healthz"))
    assert response.status_code == HTTPStatus.OK
    assert response.text == "ok"
    assert "no-store" in response.headers["Cache-Control"]


def test_readyz_checks_the_database_and_the_cache(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(reverse("guide:readyz"))
    assert response.status_code == HTTPStatus.OK
    assert response.text == "database ok\ncache ok\n"
    assert "no-store" in response.headers["Cache-Control"]


class UnreachableDatabase:
    def cursor(self):
        raise OperationalError("connection refused")


def test_readyz_reports_a_dead_database(client, db, monkeypatch):
    monkeypatch.setattr("guide.views.health.connection", UnreachableDatabase())
    response = client.get(reverse("guide:readyz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.text == "database unavailable\ncache ok\n"


class ForgetfulCache:
    """What the forgiving Redis cache is while Redis is down: every read a miss."""

    def set(self, *args, **kwargs):
        return None

    def get(self, key, default=None):
        return default


def test_readyz_reports_a_dead_cache(client, db, monkeypatch):
    monkeypatch.setattr("guide.views.health.cache", ForgetfulCache())
    response = client.get(reverse("guide:readyz"))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.text == "database ok\ncache unavailable\n"


def assert_outage_page(response):
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert response.headers["Retry-After"] == "10"
    assert "no-store" in response.headers["Cache-Control"]
    text = response.text
    assert "Back in a moment" in text and "Error 503" in text
    assert 'class="site-header"' in text  # the site's own design, not a bare message
    assert "Traceback" not in text and "refused" not in text


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_in_a_view_answers_503(client, content, monkeypatch, error):
    def refuse(*args, **kwargs):
        raise error("connection refused")

    monkeypatch.setattr(RoadmapStageQuerySet, "with_items", refuse)
    client.raise_request_exception = False
    assert_outage_page(client.get(ROADMAP))


def test_a_database_outage_in_a_middleware_answers_503(client, db, monkeypatch):
    """A visitor with a session: the session is read by a middleware, before any view."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    client.cookies["sessionid"] = "x" * 32
    monkeypatch.setattr(SessionStore, "_get_session_from_db", refuse)
    client.raise_request_exception = False
    assert_outage_page(client.get(HOME))


def test_other_database_errors_stay_500(client, content, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("a bug, not an outage")

    monkeypatch.setattr(RoadmapStageQuerySet, "with_items", broken)
    client.raise_request_exception = False
    response = client.get(ROADMAP)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Retry-After" not in response.headers


@pytest.fixture
def dead_redis(monkeypatch):
    monkeypatch.setattr(ForgivingRedisCache, "down_until", 0.0)
    return ForgivingRedisCache(
        f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )


def test_an_unreachable_redis_is_a_miss_and_is_logged(dead_redis, caplog):
    with caplog.at_level(logging.WARNING, logger="guide.platform.cache"):
        assert dead_redis.get("key", "default") == "default"
    assert "Cache unavailable" in caplog.text
    assert dead_redis.set("key", "value") is None
    assert dead_redis.add("key", "value") is False
    assert dead_redis.get_many(["a", "b"]) == {}
    assert dead_redis.get_or_set("key", "computed") == "computed"
    assert dead_redis.delete("key") is False
    with pytest.raises(ValueError):
        dead_redis.incr("counter")


def test_an_unreachable_redis_is_left_alone_for_a_while(dead_redis, monkeypatch):
    dead_redis.get("key")
    calls = []
    monkeypatch.setattr(
        "django.core.cache.backends.redis.RedisCacheClient.get",
        lambda *args: calls.append(args),
    )
    start = time.perf_counter()
    for _ in range(100):
        assert dead_redis.get("key") is None
    assert calls == []  # Redis was not asked again during the pause
    assert time.perf_counter() - start < 0.1
    monkeypatch.setattr(ForgivingRedisCache, "down_until", time.monotonic() - 1)
    dead_redis.get("key")
    assert len(calls) == 1  # after the pause it is tried again
