"""The shared page cache, its keys and compression, and the token-free first tick."""

import gzip
import threading
import time
from contextlib import suppress
from http import HTTPStatus

import brotli
import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse

from guide.models import (
    VERSION_LEASE,
    Completion,
    ContentVersion,
    Section,
    Skill,
    announce_commit,
)
from tests.factories import (
    DEEP_LEARNING_STAGE,
    HOME,
    HTMX,
    ORIGIN,
    ROADMAP,
    SEARCH,
    SKILLS,
    tick,
    tick_url,
)

VERSION_ONLY = 1  # a cache hit reads the content version, and nothing else
LIVE = {**HTMX, "HTTP_HX_TARGET": "site-search-results"}
RESTORE = {**HTMX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}


@pytest.mark.parametrize("url", [HOME, SKILLS, ROADMAP, DEEP_LEARNING_STAGE])
def test_second_request_is_served_from_the_cache(
    client, content, django_assert_max_num_queries, url
):
    first = client.get(url)
    assert first.status_code == HTTPStatus.OK
    assert "public" in first["Cache-Control"] and "must-revalidate" in first["Cache-Control"]
    assert first.cookies == {} and "csrfmiddlewaretoken" not in first.text
    with django_assert_max_num_queries(VERSION_ONLY):
        second = client.get(url)
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_an_edit_is_served_on_the_next_request(client, content):
    assert "Essential Skills" in client.get(HOME).text
    section = Section.objects.get(slug="essential-skills")
    section.title = "Skills that matter"
    section.save()
    page = client.get(HOME).text
    assert "Skills that matter" in page and "Essential Skills" not in page


def test_a_draft_leaves_the_cached_list_at_once(client, content):
    assert "XGBoost" in client.get(SKILLS).text
    Skill.objects.filter(slug="xgboost").update(published=False)  # no signal: bump by hand
    ContentVersion.bump()
    assert "XGBoost" not in client.get(SKILLS).text


def test_query_strings_in_another_order_share_a_page(
    client, content, django_assert_max_num_queries
):
    client.get(SKILLS + "?category=mlops&q=docker")
    with django_assert_max_num_queries(VERSION_ONLY):
        response = client.get(SKILLS + "?q=docker&category=mlops")
    assert "Docker" in response.text


def test_errors_are_never_stored(client, content):
    assert client.get(SKILLS + "?category=nope").status_code == HTTPStatus.BAD_REQUEST
    client.get(SKILLS + "?category=nope")
    response = client.get(SKILLS + "?category=nope")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "public" not in response.get("Cache-Control", "")


def test_regions_pages_and_live_results_never_mix(client, content):
    url = SEARCH + "?q=docker"
    bodies = {}
    for name, headers in {"page": {}, "region": HTMX, "live": LIVE, "restore": RESTORE}.items():
        for _ in range(2):  # the second answer comes from the cache
            response = client.get(url, **headers)
            bodies.setdefault(name, response)
            assert response.content == bodies[name].content, name
    assert "<html" in bodies["page"].text and "<html" in bodies["restore"].text
    assert "<html" not in bodies["region"].text and "<html" not in bodies["live"].text
    assert bodies["region"].content != bodies["live"].content
    assert len({response["ETag"] for response in bodies.values()}) == 4
    vary = bodies["region"]["Vary"]
    for header in ("HX-Request", "HX-Target", "HX-History-Restore-Request"):
        assert header in vary


def test_a_revalidation_gets_304_from_the_cache(client, content, django_assert_max_num_queries):
    etag = client.get(HOME)["ETag"]
    with django_assert_max_num_queries(VERSION_ONLY):
        response = client.get(HOME, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response["ETag"] == etag and response.content == b""


def test_head_is_answered_without_a_body(client, content):
    full = client.get(HOME)
    head = client.head(HOME)
    assert head.status_code == HTTPStatus.OK and head.content == b""
    assert head["Content-Length"] == str(len(full.content))


@pytest.mark.parametrize(
    ("encoding", "decompress"), [("br", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_cached_pages_are_served_compressed(client, content, encoding, decompress):
    plain = client.get(HOME).content
    response = client.get(HOME, HTTP_ACCEPT_ENCODING=f"{encoding}, deflate")
    assert response["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response["Vary"]
    assert decompress(response.content) == plain
    assert len(response.content) < len(plain) / 3
    refused = client.get(HOME, HTTP_ACCEPT_ENCODING=f"{encoding};q=0")
    assert "Content-Encoding" not in refused and refused.content == plain


def test_pages_with_a_token_are_neither_stored_nor_compressed(client, db):
    for _ in range(2):
        response = client.get(reverse("guide:login"), HTTP_ACCEPT_ENCODING="gzip, br")
        assert "csrfmiddlewaretoken" in response.text
        assert "Content-Encoding" not in response
        assert "public" not in response.get("Cache-Control", "")


def test_a_visitor_with_a_session_never_gets_or_leaves_a_cached_page(
    client, content, django_assert_max_num_queries
):
    ada = get_user_model().objects.create_user("ada", password="correct horse 1")
    anonymous = Client()
    anonymous.get(ROADMAP)  # now cached
    client.force_login(ada)
    mine = client.get(ROADMAP)
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    assert "ETag" not in mine
    assert 'name="csrfmiddlewaretoken"' in mine.text  # her forms carry her token
    client.get(HOME)
    fresh = Client()
    response = fresh.get(HOME)
    assert "Log out" not in response.text


def test_a_pending_message_is_never_hidden_by_a_shared_page(client, content):
    ada = get_user_model().objects.create_user("ada", password="correct horse 1")
    shared_etag = Client().get(HOME)["ETag"]
    client.force_login(ada)
    client.post(reverse("guide:delete-account"), {"password": "correct horse 1"})
    response = client.get(HOME, HTTP_IF_NONE_MATCH=shared_etag)
    assert response.status_code == HTTPStatus.OK
    assert "were deleted" in response.text
    assert "ETag" not in response
    assert "were deleted" not in Client().get(HOME).text


class TestFirstTickWithoutSession:
    """A guest's first tick is checked by origin; later ones by token."""

    @pytest.fixture
    def strict(self):
        return Client(enforce_csrf_checks=True)

    def test_same_origin_is_accepted_and_starts_a_session(self, strict, content):
        response = tick(strict, "programming-apis", HTTP_ORIGIN=ORIGIN)
        assert response.status_code == HTTPStatus.FOUND
        assert "sessionid" in response.cookies
        page = strict.get(ROADMAP)
        assert "no-store" in page["Cache-Control"]
        assert 'name="csrfmiddlewaretoken"' in page.text

    def test_sec_fetch_site_same_origin_is_accepted(self, strict, content):
        response = tick(strict, "programming-apis", HTTP_SEC_FETCH_SITE="same-origin")
        assert response.status_code == HTTPStatus.FOUND

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"HTTP_ORIGIN": "https://evil.example"},
            {"HTTP_ORIGIN": "null"},
            {"HTTP_SEC_FETCH_SITE": "cross-site"},
            {"HTTP_ORIGIN": "https://evil.example", "HTTP_SEC_FETCH_SITE": "same-origin"},
        ],
    )
    def test_a_missing_or_foreign_origin_is_refused(self, strict, content, headers):
        response = tick(strict, "programming-apis", **headers)
        assert response.status_code == HTTPStatus.FORBIDDEN
        assert "sessionid" not in response.cookies
        assert not Completion.objects.exists()

    def test_with_a_session_the_token_is_required_whatever_the_origin(self, strict, content):
        tick(strict, "programming-apis", HTTP_ORIGIN=ORIGIN)
        response = tick(strict, "programming-functions", HTTP_ORIGIN=ORIGIN)
        assert response.status_code == HTTPStatus.FORBIDDEN
        page = strict.get(ROADMAP)
        token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        response = strict.post(
            tick_url("programming-functions"), {"done": "1", "csrfmiddlewaretoken": token}
        )
        assert response.status_code == HTTPStatus.FOUND


class UnreachableDatabase:
    in_atomic_block = False  # a request's, outside any transaction

    def cursor(self):
        raise OperationalError("connection refused")


def test_readers_still_get_cached_pages_while_the_database_is_down(client, content, monkeypatch):
    cached = client.get(HOME)
    monkeypatch.setattr("guide.models.version.connection", UnreachableDatabase())
    response = client.get(HOME)
    assert response.status_code == HTTPStatus.OK
    assert response.content == cached.content


class RolledBack(Exception):
    pass


def test_a_rolled_back_edit_leaves_nothing_for_the_next_one(client, content):
    """An edit whose transaction is rolled back took the content version to the number
    the next edit takes it to again: what was rendered meanwhile is never served for it."""
    docker = Skill.objects.get(slug="docker")
    with pytest.raises(RolledBack), transaction.atomic():
        docker.name = "Docker, rolled back"
        docker.save()
        assert "Docker, rolled back" in client.get(SKILLS).text  # kept, for that version
        raise RolledBack
    docker.refresh_from_db()
    docker.name = "Docker, renamed"
    docker.save()
    page = client.get(SKILLS).text
    assert "Docker, renamed" in page and "Docker, rolled back" not in page


# The content version's lease. These tests commit for real (`transactional_db`): inside a
# transaction, as every other test runs, the version is always read.


class Clock:
    """The clock the lease reads, moved on by hand (a slow machine cannot expire a lease
    in the middle of a test)."""

    def __init__(self):
        self.now = time.monotonic()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("guide.models.version.time", clock)
    return clock


@pytest.mark.django_db(transaction=True)
def test_a_hit_reads_nothing_while_the_version_is_leased(
    client, content, clock, django_assert_num_queries
):
    ContentVersion.bump()
    client.get(HOME)
    with django_assert_num_queries(0):
        assert client.get(HOME).status_code == HTTPStatus.OK
    clock.sleep(VERSION_LEASE)
    with django_assert_num_queries(VERSION_ONLY):
        assert client.get(HOME).status_code == HTTPStatus.OK


@pytest.mark.django_db(transaction=True)
def test_another_process_commit_is_read_once_the_lease_runs_out(content, clock):
    """A commit this process did not make (another worker's or node's) is read within one
    lease: the edit that made it has not completed before then (the next test)."""
    ContentVersion.bump()
    before = ContentVersion.current()
    ContentVersion.objects.filter(pk=1).update(version=F("version") + 1)  # not this process
    clock.sleep(VERSION_LEASE * 0.99)
    assert ContentVersion.current() == before
    clock.sleep(VERSION_LEASE * 0.02)
    assert ContentVersion.current().number == before.number + 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_completes_only_once_every_lease_taken_before_its_commit_has_run_out(content):
    ContentVersion.bump()
    old = ContentVersion.current()
    docker = Skill.objects.get(slug="docker")
    read = []

    def serve_a_request():  # another request's thread: it trusts what it read for a lease
        read.append(ContentVersion.current())
        connection.close()

    with transaction.atomic():
        docker.name = "Docker, renamed"
        docker.save()
        # Another thread reads the version just before the commit.
        leased_from = time.monotonic()
        reader = threading.Thread(target=serve_a_request)
        reader.start()
        reader.join()
    assert read == [old]
    assert time.monotonic() >= leased_from + VERSION_LEASE  # the save outwaited its lease
    assert ContentVersion.current().number > old.number  # so no thread still trusts `old`


def test_an_edit_of_many_rows_waits_once(content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with suppress(RolledBack), transaction.atomic():
            Skill.objects.get(slug="docker").save()
            raise RolledBack  # its wait is dropped with it: the next change asks again
        for skill in Skill.objects.all()[:5]:
            skill.save()
        Skill.objects.filter(slug="docker").update(name="Docker, renamed")
    assert callbacks == [announce_commit]
