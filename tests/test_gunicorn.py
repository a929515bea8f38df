"""The way `make run` serves the site: migrate, load, collect static, real gunicorn."""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A fresh SQLite site under a temporary var/, served by gunicorn."""
    var = tmp_path_factory.mktemp("var")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env["DJANGO_VAR_DIR"] = str(var)

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )

    manage("migrate", "--noinput")
    manage("load_guide", "--if-empty")
    manage("collectstatic", "--noinput")
    port = free_port()
    log = var / "gunicorn.log"
    command = [BIN / "gunicorn", "--config", "config/gunicorn.py"]
    command += ["--bind", f"127.0.0.1:{port}", "config.wsgi"]
    with log.open("w") as stderr:
        server = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(base + "/healthz")
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
            time.sleep(0.2)
    yield base, manage
    server.terminate()
    server.wait(timeout=10)


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


def log_in(base: str, username: str, password: str) -> tuple[int, dict[str, str]]:
    """Log in through the real form; return the status and the cookies."""
    host = urlsplit(base).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/accounts/login/")
    page = connection.getresponse()
    body = page.read().decode()
    cookies = dict(
        header.split(";", 1)[0].split("=", 1)
        for name, header in page.getheaders()
        if name.lower() == "set-cookie"
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    cookie = "; ".join(f"{key}={value}" for key, value in cookies.items())
    connection.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    response = connection.getresponse()
    response.read()
    for name, header in response.getheaders():
        if name.lower() == "set-cookie":
            key, value = header.split(";", 1)[0].split("=", 1)
            cookies[key] = value
    connection.close()
    return response.status, cookies


def test_parallel_identical_ticks_through_gunicorn_workers(served):
    base, manage = served
    manage("shell", "-v", "0", "-c", CREATE_USER.format(name="ada"))
    status, cookies = log_in(base, "ada", "correct horse 1")
    assert status == 302 and "sessionid" in cookies

    def tick(_):
        request = urllib.request.Request(
            base + "/progress/items/programming-functions/",
            data=b"done=1",
            headers={
                "Cookie": f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}",
                "X-CSRFToken": cookies["csrftoken"],
                "HX-Request": "true",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(tick, range(20)))
    assert statuses == [200] * 20
    count = manage("shell", "-v", "0", "-c", COUNT_TICKS.format(name="ada")).stdout.strip()
    assert count == "1"


def test_failed_logins_are_counted_across_workers(served):
    base, manage = served
    manage("shell", "-v", "0", "-c", CREATE_USER.format(name="bob"))
    # Each attempt is a new connection, so gunicorn's workers share the attempts.
    statuses = [log_in(base, "bob", "wrong password")[0] for _ in range(5)]
    assert set(statuses) <= {200, 429}
    status, _ = log_in(base, "bob", "correct horse 1")
    assert status == 429


def cookies_of(headers) -> dict[str, str]:
    return dict(
        header.split(";", 1)[0].split("=", 1) for header in headers.get_all("Set-Cookie") or []
    )


def tick_as_guest(base: str, cookies: dict[str, str], slug: str) -> int:
    """Tick an item as the guest of `cookies` (adding the cookies of a first tick, which
    is checked by its Origin: the cached roadmap carries no token)."""
    headers = {
        "Cookie": "; ".join(f"{key}={value}" for key, value in cookies.items()),
        "Origin": base,
        "HX-Request": "true",
    }
    if "csrftoken" in cookies:
        headers["X-CSRFToken"] = cookies["csrftoken"]
    request = urllib.request.Request(
        f"{base}/progress/items/{slug}/", data=b"done=1", headers=headers
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        cookies |= cookies_of(response.headers)
        return response.status


def new_guest(base: str) -> dict[str, str]:
    """A guest who has ticked one item: the cookies of their browser."""
    cookies = cookies_of(fetch(base + "/roadmap/")[1])
    assert cookies == {}  # the roadmap is a cached reading page until the first tick
    assert tick_as_guest(base, cookies, "programming-functions") == 200
    assert "sessionid" in cookies and "csrftoken" in cookies
    return cookies


def guest_ticks(base: str, cookies: dict[str, str]) -> set[str]:
    cookie = "; ".join(f"{key}={value}" for key, value in cookies.items())
    document = json.loads(fetch(base + "/progress/export.json", Cookie=cookie)[2])
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
        return list(pool.map(lambda slug: tick_as_guest(base, dict(cookies), slug), slugs))


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


CREATE_USER = (
    "from django.contrib.auth import get_user_model; "
    "get_user_model().objects.create_user('{name}', password='correct horse 1')"
)
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
    manage("shell", "-v", "0", "-c", RENAME_CERTIFICATION)
    for _ in range(8):  # whichever worker answers, from its cache or not, the edit is there
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
