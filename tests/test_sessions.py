"""Guest sessions cannot be minted without limit; sessions slide and end when unused;
pages for signed-in learners are never stored by caches."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from guide.platform.sessions import RENEWED_ON
from tests.factories import HOME, ROADMAP, tick

ITEM = "programming-functions"
ADDRESS = "203.0.113.7"  # the visitors' address, but where another is given
DAY = 24 * 60 * 60


@pytest.fixture
def three_new_guests_an_hour(settings):
    settings.RATELIMIT_NEW_GUEST_SESSIONS = "3/h"


def test_new_guest_sessions_are_limited_per_client(content, three_new_guests_an_hour):
    for _ in range(3):
        assert tick(Client(), ITEM, REMOTE_ADDR=ADDRESS).status_code == HTTPStatus.FOUND
    sessions = Session.objects.count()
    response = tick(Client(), ITEM, REMOTE_ADDR=ADDRESS)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many new visitors have ticked items" in response.text
    assert Session.objects.count() == sessions
    # Another client, and a guest who already has a session, tick as before.
    assert tick(Client(), ITEM, REMOTE_ADDR="198.51.100.1").status_code == HTTPStatus.FOUND
    guest = Client()
    assert tick(guest, ITEM, REMOTE_ADDR="198.51.100.2").status_code == HTTPStatus.FOUND
    for _ in range(5):
        assert tick(guest, ITEM, REMOTE_ADDR=ADDRESS).status_code == HTTPStatus.FOUND


def test_a_made_up_session_cookie_counts_as_a_new_guest(content, three_new_guests_an_hour):
    for number in range(3):
        client = Client()
        client.cookies["sessionid"] = f"made-up-{number}"
        assert tick(client, ITEM, REMOTE_ADDR=ADDRESS).status_code == HTTPStatus.FOUND
    client = Client()
    client.cookies["sessionid"] = "made-up-again"
    assert tick(client, ITEM, REMOTE_ADDR=ADDRESS).status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_made_up_cookie_creates_no_session(client, content):
    client.cookies["sessionid"] = "made-up"
    assert client.get(ROADMAP).status_code == HTTPStatus.OK
    assert not Session.objects.exists()


def days_left(client: Client) -> float:
    row = Session.objects.get(session_key=client.cookies["sessionid"].value)
    return (row.expire_date - timezone.now()).total_seconds() / DAY


def pretend_last_renewed_long_ago(client: Client, days_left_now: int) -> None:
    session = client.session
    session[RENEWED_ON] = "2000-01-01"
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(days=days_left_now)
    )


def test_a_guest_session_lasts_180_days_from_the_last_visit(client, content):
    tick(client, ITEM, REMOTE_ADDR=ADDRESS)
    assert 179.9 < days_left(client) <= 180
    pretend_last_renewed_long_ago(client, days_left_now=3)
    client.get(HOME)
    assert 179.9 < days_left(client) <= 180


def test_a_signed_in_session_lasts_30_days_from_the_last_visit(client, content):
    tick(client, ITEM, REMOTE_ADDR=ADDRESS)
    get_user_model().objects.create_user("ada", password="correct horse 1")
    client.post(reverse("guide:login"), {"username": "ada", "password": "correct horse 1"})
    assert 29.9 < days_left(client) <= 30
    pretend_last_renewed_long_ago(client, days_left_now=3)
    client.get(HOME)
    assert 29.9 < days_left(client) <= 30


def test_a_session_is_saved_at_most_once_a_day_by_reading(client, content):
    tick(client, ITEM, REMOTE_ADDR=ADDRESS)
    session_key = client.cookies["sessionid"].value
    before = Session.objects.get(session_key=session_key).expire_date
    response = client.get(HOME)
    assert "sessionid" not in response.cookies
    assert Session.objects.get(session_key=session_key).expire_date == before


@pytest.mark.parametrize("name", ["guide:home", "guide:skills", "guide:roadmap", "guide:progress"])
def test_pages_for_signed_in_learners_are_private_and_not_stored(client, content, name):
    user = get_user_model().objects.create_user("ada", password="correct horse 1")
    client.force_login(user)
    cache_control = client.get(reverse(name))["Cache-Control"]
    assert "private" in cache_control and "no-store" in cache_control
    assert "public" not in cache_control


def test_pages_for_readers_stay_cacheable(client, content):
    response = client.get(HOME)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Cookie" not in response.get("Vary", "")
