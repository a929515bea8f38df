"""Throughput, latency and page weight of the site as `make run` serves it.

Run with `make bench`. It builds a fresh SQLite site under a temporary folder, serves it
with gunicorn as `make run` does, then prints:
- requests per second and p50/p95 latency per page, from a fixed number of requests
  sent by parallel clients on this machine (loopback only);
- each page's weight as Chromium receives it (HTML, CSS, JS; compressed), when Debian's
  Chromium is installed.
Figures, not assertions: compare runs on the same machine.
"""

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGES = [
    "/",
    "/guide/essential-skills/",
    "/roadmap/",
    "/roadmap/learn-deep-learning/",
    "/skills/?category=mlops",
    "/salaries/",
    "/search/?q=learning",
    "/healthz",
]
REQUESTS_PER_PAGE = int(os.environ.get("BENCH_REQUESTS", "400"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(var: Path) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.pop("DATABASE_URL", None)
    env["DJANGO_VAR_DIR"] = str(var)
    for command in (["migrate", "--noinput"], ["load_guide"], ["collectstatic", "--noinput"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", "config/gunicorn.py", "--bind", f"127.0.0.1:{port}"]
        + ["--access-logfile", "/dev/null", "config.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def fetch(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
    return time.perf_counter() - start


def throughput(base: str) -> None:
    print(f"\nThroughput: {REQUESTS_PER_PAGE} requests per page, {CLIENTS} parallel clients")
    print(f"{'page':38} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for page in PAGES:
            url = base + page
            list(pool.map(fetch, [url] * 20))  # warm up
            start = time.perf_counter()
            timings = sorted(pool.map(fetch, [url] * REQUESTS_PER_PAGE))
            elapsed = time.perf_counter() - start
            p50 = statistics.median(timings) * 1000
            p95 = timings[int(len(timings) * 0.95) - 1] * 1000
            print(f"{page:38} {REQUESTS_PER_PAGE / elapsed:8.0f} {p50:8.1f} {p95:8.1f}")


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
        for page_path in PAGES[:-1]:
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
            page_weight(base)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
