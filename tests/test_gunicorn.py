"""The way `make run` serves the site: migrate, load, collect static, real gunicorn."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from tests.servers import (
    CREATE_USER,
    cookie_header,
    cookies_of,
    fetch,
    gunicorn_site,
    log_in_over_http,
    manage,
    site_environment,
    tick_over_http,
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A fresh SQLite site under a temporary var/, served by gunicorn."""
    var = tmp_path_factory.mktemp("var")
    env = site_environment(var)
    with gunicorn_site(var, env) as base:
        yield base, partial(manage, env)


def test_gunicorn_serves_the_guide(served):
    base, _ = served
    status, headers, body = fetch(base + "/")
    assert status == 200
    assert b"The roadmap at a glance" in body
    assert "Content-Security-Policy" in headers
    assert fetch(base + "/healthz")[2] == b"ok"


def test_static_files_are_hashed_compressed_and_cached_forever(served):
    base, _ = served
    body = fetch(base + "/")[2].decode()
    stylesheet = body.split('rel="stylesheet" href="')[1].split('"')[0]
    assert stylesheet.startswith("/static/css/site.") and stylesheet != "/static/css/site.css"
    status, headers, _ = fetch(base + stylesheet, **{"Accept-Encoding": "br"})
    assert status == 200
    assert headers["Content-Encoding"] == "br"
    assert "immutable" in headers["Cache-Control"]


def test_restarting_keeps_the_database(served):
    base, manage = served
    edit = (
        "from guide.models import ChecklistItem as C; "
        "C.objects.filter(slug='programming-functions').update(title='Functions, edited')"
    )
    manage("shell", "-v", "0", "-c", edit)
    result = manage("load_guide", "--if-empty")
    assert "already loaded" in result.stdout
    body = fetch(base + "/roadmap/learn-programming-fundamentals/")[2]
    assert b"Functions, edited" in body


def test_parallel_identical_ticks_through_gunicorn_workers(served):
    base, manage = served
    manage("shell", "-v", "0", "-c", CREATE_USER.format(name="ada"))
    status, cookies = log_in_over_http(base, "ada", "correct horse 1")
    assert status == 302 and "sessionid" in cookies
    statuses = tick_in_parallel(base, cookies, ["programming-functions"] * 20)
    assert statuses == [200] * 20
    count = manage("shell", "-v", "0", "-c", COUNT_TICKS.format(name="ada")).stdout.strip()
    assert count == "1"


def test_failed_logins_are_counted_across_workers(served):
    base, manage = served
    manage("shell", "-v", "0", "-c", CREATE_USER.format(name="bob"))
    # Each attempt is a new connection, so gunicorn's workers share the attempts.
    statuses = [log_in_over_http(base, "bob", "wrong password")[0] for _ in range(5)]
    assert set(statuses) <= {200, 429}
    status, _ = log_in_over_http(base, "bob", "correct horse 1")
    assert status == 429


def new_guest(base: str) -> dict[str, str]:
    """A guest who has ticked one item: the cookies of their browser."""
    cookies = cookies_of(fetch(base + "/roadmap/")[1])
    assert cookies == {}  # the roadmap is a cached reading page until the first tick
    assert tick_over_http(base, cookies, "programming-functions") == 200
    assert "sessionid" in cookies and "csrftoken" in cookies
    return cookies


def guest_ticks(base: str, cookies: dict[str, str]) -> set[str]:
    document = json.loads(fetch(base + "/progress/export.json", Cookie=cookie_header(cookies))[2])
    return {row["item"] for row in document["completed_items"]}


# Twenty items of the guide besides "programming-functions", each guest's first tick.
TWENTY_ITEMS = [
    "programming-variables-and-data-structures",
    "programming-object-oriented-programming",
    "programming-apis",
    "programming-software-engineering-best-practices",
    "data-analysis-pandas",
    "data-analysis-numpy",
    "data-analysis-sql",
    "ml-concepts-regression",
    "ml-concepts-classification",
    "ml-concepts-clustering",
    "ml-concepts-decision-trees",
    "ml-concepts-ensemble-methods",
    "deep-learning-image-recognition",
    "deep-learning-text-classification",
    "deep-learning-sentiment-analysis",
    "deep-learning-recommendation-systems",
    "mlops-model-serving",
    "mlops-api-development",
    "mlops-docker-containers",
    "mlops-kubernetes-orchestration",
]


def tick_in_parallel(base: str, cookies: dict[str, str], slugs: list[str]) -> list[int]:
    with ThreadPoolExecutor(max_workers=len(slugs)) as pool:
        return list(pool.map(lambda slug: tick_over_http(base, dict(cookies), slug), slugs))


def test_a_guests_parallel_ticks_on_two_items_both_stay(served):
    base, _ = served
    slugs = ["data-analysis-sql", "mlops-model-serving"]
    for _ in range(20):
        cookies = new_guest(base)
        assert tick_in_parallel(base, cookies, slugs) == [200, 200]
        assert guest_ticks(base, cookies) == {"programming-functions", *slugs}


def test_a_guests_twenty_parallel_ticks_all_stay(served):
    base, _ = served
    cookies = new_guest(base)
    assert tick_in_parallel(base, cookies, TWENTY_ITEMS) == [200] * 20
    assert guest_ticks(base, cookies) == {"programming-functions", *TWENTY_ITEMS}


COUNT_TICKS = (
    "from guide.models import Completion; "
    "print(Completion.objects.filter(user__username='{name}').count())"
)


def test_an_edit_is_seen_through_every_worker_on_the_next_request(served):
    base, manage = served
    status, headers, body = fetch(base + "/certifications/")
    etag = headers["ETag"]
    assert b"Azure AI Engineer Associate" in body
    # Unchanged content: every worker answers "not modified".
    for _ in range(4):
        request = urllib.request.Request(
            base + "/certifications/", headers={"If-None-Match": etag}
        )
        try:
            urllib.request.urlopen(request, timeout=10)
            raise AssertionError("expected 304")
        except urllib.error.HTTPError as error:
            assert error.code == 304
    for _ in range(8):  # every worker's page cache now holds the page
        status, headers, body = fetch(base + "/certifications/", **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and headers["ETag"] == etag
    # Readers keep every worker busy with the page while the edit is made, so each worker
    # holds a fresh lease on the old content version as the edit commits.
    reading = threading.Event()
    reading.set()

    def read() -> int:
        count = 0
        while reading.is_set():
            fetch(base + "/certifications/")
            count += 1
        return count

    with ThreadPoolExecutor(max_workers=4) as pool:
        readers = [pool.submit(read) for _ in range(4)]
        manage("shell", "-v", "0", "-c", RENAME_CERTIFICATION)
        for _ in range(8):  # whichever worker answers, from its cache or not, the edit is there
            body = fetch(base + "/certifications/")[2]
            assert b"Azure AI Engineer Associate (AI-102)" in body
        reading.clear()
        assert all(reader.result() > 0 for reader in readers)
    for _ in range(8):
        body = fetch(base + "/certifications/")[2]
        assert b"Azure AI Engineer Associate (AI-102)" in body
    for _ in range(4):
        request = urllib.request.Request(
            base + "/certifications/", headers={"If-None-Match": etag}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert b"Azure AI Engineer Associate (AI-102)" in response.read()
            assert response.headers["ETag"] != etag


RENAME_CERTIFICATION = (
    "from guide.models import Certification as C; "
    "c = C.objects.get(slug='azure-ai-engineer-associate'); "
    "c.name = 'Azure AI Engineer Associate (AI-102)'; c.save()"
)
