"""Identical ticks sent at once, over real connections, end in one row and no error."""

import secrets
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode
from urllib.request import HTTPRedirectHandler, Request, build_opener

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from guide.models import Completion
from tests.factories import tick_url

PARALLEL = 20


class NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def session_cookie(transactional_db, content):
    user = get_user_model().objects.create_user("ada", password="correct horse 1")
    client = Client()
    client.force_login(user)
    return user, client.cookies["sessionid"].value


def post_many(url: str, session: str, data: dict) -> list[int]:
    csrf = secrets.token_urlsafe(24)[:32].replace("-", "a").replace("_", "b")
    opener = build_opener(NoRedirect)

    def post(_):
        request = Request(
            url,
            data=urlencode(data).encode(),
            headers={"Cookie": f"sessionid={session}; csrftoken={csrf}", "X-CSRFToken": csrf},
        )
        try:
            with opener.open(request, timeout=30) as response:
                return response.status
        except Exception as error:  # urllib raises for the 302 it may not follow
            return getattr(error, "code", 0)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        return list(pool.map(post, range(PARALLEL)))


def test_parallel_identical_ticks_leave_one_row(live_server, session_cookie):
    user, session = session_cookie
    url = live_server.url + tick_url("programming-functions")
    statuses = post_many(url, session, {"done": "1"})
    assert set(statuses) == {302}
    assert Completion.objects.filter(user=user).count() == 1

    statuses = post_many(url, session, {"done": "0"})
    assert set(statuses) == {302}
    assert not Completion.objects.filter(user=user).exists()


def test_parallel_stage_ticks_leave_one_row_per_item(live_server, session_cookie):
    user, session = session_cookie
    url = f"{live_server.url}/progress/stages/learn-deep-learning/"
    statuses = post_many(url, session, {"done": "1"})
    assert set(statuses) == {302}
    assert Completion.objects.filter(user=user).count() == 4
