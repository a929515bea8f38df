"""Throughput, latency and page weight of the site as `make run` serves it.

Run with `make bench`. It builds a fresh SQLite site under a temporary folder, serves it
with gunicorn as `make run` does, then prints, for each page and each kind of visitor:
- requests per second, and the ratio to the site's own stylesheet served by the same
  server, measured right before the page (the figure to compare: these machines are
  shared and noisy, and a reference taken once would drift), `BENCH_ROUNDS` times, with
  the median of each figure;
- p50 and p95 latency.
Visitors: anonymous (the page cache answers), a guest who ticked something and a signed-in
learner (their pages are built from what is kept per content version: guide.serving.skeletons);
then the htmx tick round trip. Load comes from `wrk` when installed (`apt-get install -y
wrk`), else from a Python client, which is slower and says so. Then cold renders: each
page rendered in-process with nothing kept (as right after an edit), p50 over a few
renders, against the static file through the same stack. Last, each page's weight as
Chromium receives it, when installed.
`BENCH_FACTOR=10` grows the guide to ten times its content first (`grow_guide`).
`BENCH_DATABASE_URL` (a PostgreSQL database, emptied first) and `BENCH_REDIS_URL` serve the
site on PostgreSQL and Redis instead of SQLite and process memory. `BENCH_SITE` names
another checkout of the site to serve (to measure an older version beside this one);
`BENCH_PAGES`, `BENCH_VISITORS` (comma-separated) and `BENCH_THROUGHPUT_ONLY=1` measure
a few rows only.
Figures, not assertions.
"""

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))  # run as a script: the project's packages, tests.servers too

from tests.servers import cookie_header, cookies_of, free_port  # noqa: E402

BIN = Path(sys.executable).parent
SITE = Path(os.environ.get("BENCH_SITE", BASE_DIR)).resolve()
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "")
PAGES = [
    "/",
    "/guide/essential-skills/",
    "/roadmap/",
    "/roadmap/learn-deep-learning/",
    "/skills/",
    "/skills/?category=mlops",
    "/salaries/",
    "/search/?q=learning",
]
# Some pages and visitors only (comma-separated), to measure a few rows more often.
PAGES = os.environ.get("BENCH_PAGES", "").split(",") if os.environ.get("BENCH_PAGES") else PAGES
VISITORS = os.environ.get("BENCH_VISITORS", "anonymous,guest,signed in").split(",")
# Only the throughput table (no cold renders, no page weight).
THROUGHPUT_ONLY = os.environ.get("BENCH_THROUGHPUT_ONLY") == "1"
SECONDS = int(os.environ.get("BENCH_SECONDS", "2"))
# Each row alternates the static file and the page this many times and gives the median:
# a slow spell of the shared machine skews a pair or two, not the row (spells of several
# seconds were seen to halve the static file's rate: with three pairs one spell could move
# a row's median).
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
FACTOR = int(os.environ.get("BENCH_FACTOR", "1"))  # N times the guide's content
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
PASSWORD = "bench horse 1"


def site_env(var: Path) -> dict[str, str]:
    """The environment of the site under test: its own folder, SQLite unless told."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["DJANGO_VAR_DIR"] = str(var)
    if DATABASE_URL:
        env["DATABASE_URL"] = DATABASE_URL
    if REDIS_URL:
        env["REDIS_URL"] = REDIS_URL
    return env


def empty_database() -> None:
    """Drop and create the PostgreSQL database the benchmark is told to use."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(DATABASE_URL)
    params = {"host": config["HOST"], "port": config["PORT"], "user": config["USER"]}
    params = {key: value for key, value in params.items() if value}
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def serve(var: Path) -> tuple[subprocess.Popen, str]:
    env = site_env(var)
    if DATABASE_URL:
        empty_database()
    if REDIS_URL:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    commands = [["migrate", "--noinput"], ["load_guide"], ["collectstatic", "--noinput"]]
    if FACTOR > 1:
        commands.append(["grow_guide", "--factor", str(FACTOR)])
    for command in commands:
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"], cwd=SITE, env=env, check=True
        )
    create = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user('bench', password='{PASSWORD}')"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", create], cwd=SITE, env=env, check=True
    )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"]
        + ["--access-logfile", "/dev/null", "config.wsgi"],
        cwd=SITE,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return server, base
        except (OSError, http.client.HTTPException):  # not yet (or a TCP self-connect)
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def request(base: str, method: str, path: str, headers: dict, body: str = ""):
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def guest_cookies(base: str) -> dict:
    """A guest who ticked one item, and saw the page the tick led to (its message shown, as
    a browser would): from then on their pages are their own."""
    form = urlencode({"done": "1"})
    headers = {"Origin": base, "Content-Type": "application/x-www-form-urlencoded"}
    response, _ = request(base, "POST", "/progress/items/programming-functions/", headers, form)
    jar = cookies_of(response.headers)
    response, _ = request(
        base, "GET", response.getheader("Location"), {"Cookie": cookie_header(jar)}
    )
    jar |= cookies_of(response.headers)
    return {name: value for name, value in jar.items() if value not in {"", '""'}}


def signed_in_cookies(base: str) -> dict:
    response, body = request(base, "GET", "/accounts/login/", {})
    jar = cookies_of(response.headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token})
    headers = {
        "Cookie": cookie_header(jar),
        "Origin": base,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    response, _ = request(base, "POST", "/accounts/login/", headers, form)
    jar |= cookies_of(response.headers)
    assert "sessionid" in jar, "logging in failed"
    return jar


def run_wrk(url: str, headers: dict) -> tuple[float, float, float]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        print(f"  ! {errors.group(1)} error responses for {url}")
    # wrk prints the 50th, 75th, 90th and 99th percentiles; p95 lies between the last two.
    return rate, percentile("50"), (percentile("90") + percentile("99")) / 2


def run_python(url: str, headers: dict, method: str = "GET", body: str = "") -> tuple:
    deadline = time.perf_counter() + SECONDS
    start = time.perf_counter()
    host, port = url.removeprefix("http://").split("/", 1)[0].split(":")
    path = "/" + url.removeprefix("http://").split("/", 1)[1]

    def client(_) -> list[float]:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        timings = []
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status >= 400:
                raise SystemExit(f"{method} {path} answered {response.status}")
            timings.append(time.perf_counter() - began)
        connection.close()
        return timings

    workers = min(CONNECTIONS, 8)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        timings = sorted(t for batch in pool.map(client, range(workers)) for t in batch)
    elapsed = time.perf_counter() - start
    p95 = timings[int(len(timings) * 0.95) - 1]
    return len(timings) / elapsed, statistics.median(timings) * 1000, p95 * 1000


def measure(url: str, headers: dict) -> tuple[float, float, float]:
    if shutil.which("wrk"):
        return run_wrk(url, headers)
    return run_python(url, headers)


def medians(rows: list[tuple]) -> list[float]:
    """The median of each column."""
    return [statistics.median(column) for column in zip(*rows, strict=True)]


def throughput(base: str) -> list[str]:
    _, css = request(base, "GET", "/", {})
    stylesheet = re.search(rb'href="(/static/css/site\.[0-9a-f]+\.css)"', css).group(1).decode()
    visitors = {
        "anonymous": {},
        "guest": {"Cookie": cookie_header(guest_cookies(base))},
        "signed in": {"Cookie": cookie_header(signed_in_cookies(base))},
    }
    tool = "wrk" if shutil.which("wrk") else "a Python client (install wrk for truer figures)"
    size = f"{FACTOR} times the guide's content" if FACTOR > 1 else "the guide's content"
    print(f"\nThroughput: {tool}, {CONNECTIONS} connections, {size}")
    print(f"Each page is measured right after the static file (the reference), {SECONDS} s each,")
    print(f"{ROUNDS} times; each figure is the median of the {ROUNDS} (the ratio, of the ratios),")
    print("so that a machine whose speed drifts during the run skews no ratio.\n")
    print("| page | visitor | req/s | static req/s | ratio to static | p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    rows = []
    compressed = {"Accept-Encoding": "gzip, br"}
    for who, headers in visitors.items():
        if who not in VISITORS:
            continue
        for page in PAGES:
            for _ in range(3):  # warm: the page cache and each worker's connections
                request(base, "GET", page, headers)
            pairs = []
            for _ in range(ROUNDS):
                reference, _, _ = measure(base + stylesheet, compressed)
                pairs.append((reference, *measure(base + page, {**headers, **compressed})))
            reference, rate, p50, p95 = (
                statistics.median(column) for column in zip(*pairs, strict=True)
            )
            ratio = statistics.median(page_rate / static for static, page_rate, _, _ in pairs)
            row = (
                f"| {page} | {who} | {rate:.0f} | {reference:.0f} | {ratio:.2f} "
                f"| {p50:.1f} | {p95:.1f} |"
            )
            rows.append(row)
            print(row)
    # The htmx tick round trip of a signed-in learner: one state asked for, again and again.
    jar = signed_in_cookies(base)
    response, body = request(base, "GET", "/roadmap/", {"Cookie": cookie_header(jar)})
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    headers = {
        "Cookie": cookie_header(jar),
        "HX-Request": "true",
        "X-CSRFToken": token,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    url = base + "/progress/items/programming-functions/"
    pairs = []
    for _ in range(ROUNDS):
        static_py, _, _ = run_python(base + stylesheet, {})
        pairs.append((static_py, *run_python(url, headers, "POST", urlencode({"done": "1"}))))
    static_py, rate, p50, p95 = medians(pairs)
    ratio = statistics.median(tick_rate / static for static, tick_rate, _, _ in pairs)
    row = (
        f"| htmx tick (POST) | signed in | {rate:.0f} | {ratio:.2f} "
        f"(to {static_py:.0f}/s static, same client) | {p50:.1f} | {p95:.1f} |"
    )
    rows.append(row)
    print(row)
    return rows


def cold_in_process(runs: int = 15) -> dict:
    """Run in a child process on the benchmark's site (`--cold`): each page rendered with
    nothing kept, through the whole stack but without HTTP."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(SITE))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.templatetags.static import static
    from django.test import Client

    from guide.models import ContentVersion

    host = {"HTTP_HOST": "127.0.0.1"}
    guest = Client(**host)
    guest.post(
        "/progress/items/programming-functions/", {"done": "1"}, HTTP_ORIGIN="http://127.0.0.1"
    )
    learner = Client(**host)
    learner.force_login(get_user_model().objects.get(username="bench"))
    visitors = {"anonymous": Client(**host), "guest": guest, "signed in": learner}

    def p50(client, path: str, *, cold: bool) -> float:
        timings = []
        for _ in range(runs):
            if cold:
                ContentVersion.bump()  # an edit: nothing is kept for the new version
            began = time.perf_counter()
            assert client.get(path).status_code == 200, path
            timings.append(time.perf_counter() - began)
        return statistics.median(timings) * 1000

    reference = p50(visitors["anonymous"], static("css/site.css"), cold=False)
    rows = [
        [page, who, p50(client, page, cold=True)]
        for who, client in visitors.items()
        for page in PAGES
    ]
    return {"static": reference, "rows": rows}


def cold_renders(folder: Path) -> None:
    """Cold render times, measured by a child process on the same site."""
    output = subprocess.run(
        [sys.executable, __file__, "--cold"],
        cwd=SITE,
        env=site_env(folder),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    static_ms = result["static"]
    print("\nCold renders: nothing kept (as right after an edit), in-process, p50 of 15")
    print(f"(the static file through the same stack: {static_ms:.2f} ms)\n")
    print("| page | visitor | cold p50 ms | ratio to static |")
    print("|---|---|---:|---:|")
    for page, who, ms in result["rows"]:
        print(f"| {page} | {who} | {ms:.1f} | {static_ms / ms:.3f} |")


def page_weight(base: str) -> None:
    chromium = shutil.which("chromium")
    if chromium is None:
        print("\nPage weight: skipped (apt-get install -y chromium)")
        return
    from playwright.sync_api import sync_playwright

    print("\nPage weight as Chromium receives it (bodies, compressed), first visit")
    print(f"{'page':38} {'requests':>8} {'HTML kB':>8} {'total kB':>9} {'3rd-party':>9}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        for page_path in PAGES:
            context = browser.new_context()
            page = context.new_page()
            responses = []
            page.on("requestfinished", lambda request, seen=responses: seen.append(request))
            page.goto(base + page_path, wait_until="networkidle")
            sizes = [(request.url, request.sizes()["responseBodySize"]) for request in responses]
            html = sum(size for url, size in sizes if url == base + page_path)
            total = sum(size for _, size in sizes)
            third = sum(1 for url, _ in sizes if not url.startswith(base))
            print(
                f"{page_path:38} {len(sizes):8} {html / 1024:8.1f} {total / 1024:9.1f} {third:9}"
            )
            context.close()
        browser.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        server, base = serve(Path(folder))
        try:
            throughput(base)
            if not THROUGHPUT_ONLY:
                cold_renders(Path(folder))
                page_weight(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:] == ["--cold"]:
        print(json.dumps(cold_in_process()))
    else:
        main()
