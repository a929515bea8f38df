"""Real servers for tests: the site under gunicorn on a fresh SQLite database, as
`make run` serves it, and the small HTTP helpers that talk to it."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from django.conf import settings

BIN = Path(sys.executable).parent
CREATE_USER = (
    "from django.contrib.auth import get_user_model; "
    "get_user_model().objects.create_user('{name}', password='correct horse 1')"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, **headers: str):
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.headers, response.read()


def cookies_of(headers) -> dict[str, str]:
    """The cookies that a response's headers set, by name."""
    return dict(
        header.split(";", 1)[0].split("=", 1) for header in headers.get_all("Set-Cookie") or []
    )


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{key}={value}" for key, value in cookies.items())


def tick_request(base: str, cookies: dict[str, str], slug: str) -> urllib.request.Request:
    """The htmx tick of the checklist item `slug` that the browser of `cookies` sends: with
    its token once it has one, else checked by its Origin (a first tick, from a cached page)."""
    from tests.factories import tick_url  # needs Django set up: not at import (bench)

    headers = {"Cookie": cookie_header(cookies), "Origin": base, "HX-Request": "true"}
    if "csrftoken" in cookies:
        headers["X-CSRFToken"] = cookies["csrftoken"]
    return urllib.request.Request(base + tick_url(slug), data=b"done=1", headers=headers)


def tick_over_http(base: str, cookies: dict[str, str], slug: str) -> int:
    """Tick `slug` over HTTP as the browser of `cookies` does, keeping the cookies the
    answer sets; its status."""
    with urllib.request.urlopen(tick_request(base, cookies, slug), timeout=30) as response:
        cookies |= cookies_of(response.headers)
        return response.status


def site_environment(var: Path) -> dict[str, str]:
    """This process's environment for a fresh site under `var`: SQLite, default settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_", "WEB_"))
        and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env["DJANGO_VAR_DIR"] = str(var)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )


@contextmanager
def gunicorn_site(var: Path, env: dict[str, str]) -> Iterator[str]:
    """Set the site up as `make run` does (migrate, load, collect static), serve it with
    gunicorn and yield its address; stop it at the end."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_guide", "--if-empty")
    manage(env, "collectstatic", "--noinput")
    port = free_port()
    log = var / "gunicorn.log"
    command = [BIN / "gunicorn", "--config", "config/gunicorn.py"]
    command += ["--bind", f"127.0.0.1:{port}", "config.wsgi"]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            fetch(base + "/healthz")
            break
        except (OSError, http.client.HTTPException):  # not yet (or a TCP self-connect)
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("gunicorn did not start: " + log.read_text()[-2000:])
            time.sleep(0.2)
    try:
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def log_in_over_http(base: str, username: str, password: str) -> tuple[int, dict[str, str]]:
    """Log in through the real form; return the status and the cookies."""
    host = urlsplit(base).netloc
    connection = http.client.HTTPConnection(host, timeout=10)
    connection.request("GET", "/accounts/login/")
    page = connection.getresponse()
    body = page.read().decode()
    cookies = cookies_of(page.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    form = urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    connection.request(
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie_header(cookies),
        },
    )
    response = connection.getresponse()
    response.read()
    cookies |= cookies_of(response.headers)
    connection.close()
    return response.status, cookies
