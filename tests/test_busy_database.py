"""A busy SQLite database under real gunicorn: writes that cannot get it in a few seconds
answer the 503 page with Retry-After, and reads keep flowing meanwhile (issue 13, item 7)."""

import sqlite3
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.servers import (
    CREATE_USER,
    gunicorn_site,
    log_in_over_http,
    manage,
    site_environment,
    tick_request,
)

HOLD_SECONDS = 8  # longer than the busy timeout (5 s)
TICKS = 12  # more than the threads of both workers together (2 x 4)


@pytest.fixture(scope="module")
def busy_site(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = site_environment(var)
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-v", "0", "-c", CREATE_USER.format(name="ada"))
    with gunicorn_site(var, env) as base:
        yield base, var


def timed(request: urllib.request.Request) -> tuple[int, float, str | None, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            status, retry_after = response.status, None
    except urllib.error.HTTPError as error:
        body = error.read().decode()
        assert error.code != 503 or "Back in a moment" in body
        status, retry_after = error.code, error.headers.get("Retry-After")
    end = time.monotonic()
    return status, end - start, retry_after, end


def test_each_instance_has_its_own_control_socket(busy_site):
    _, var = busy_site
    assert (var / "gunicorn.ctl").is_socket()


def test_writes_wait_a_few_seconds_then_503_while_reads_flow(busy_site):
    base, var = busy_site
    status, cookies = log_in_over_http(base, "ada", "correct horse 1")
    assert status == 302

    def timed_tick(_):
        return timed(tick_request(base, cookies, "programming-functions"))

    def read(path):
        return timed(urllib.request.Request(base + path))

    # Another program holds the write lock (a long import, a backup, an attack).
    holder = sqlite3.connect(
        var / "db.sqlite3", timeout=1, isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release_later():
        time.sleep(HOLD_SECONDS)
        holder.execute("ROLLBACK")
        released.release_time = time.monotonic()
        released.set()

    locked_at = time.monotonic()
    threading.Thread(target=release_later).start()
    with ThreadPoolExecutor(max_workers=TICKS + 2) as pool:
        ticks = [pool.submit(timed_tick, n) for n in range(TICKS)]
        time.sleep(0.5)  # the writers are waiting now
        reads = []
        with ThreadPoolExecutor(max_workers=2) as readers:
            while time.monotonic() - locked_at < HOLD_SECONDS - 1:
                paths = ["/roadmap/learn-programming-fundamentals/", "/healthz"]
                reads += readers.map(read, paths)
        ticks = [future.result() for future in ticks]
    released.wait(10)
    holder.close()

    tick_seconds = sorted(seconds for _, seconds, _, _ in ticks)
    read_seconds = sorted(seconds for _, seconds, _, _ in reads)
    print(
        f"\n{len(ticks)} ticks while the database was locked for {HOLD_SECONDS} s: "
        f"statuses {sorted({status for status, *_ in ticks})}, "
        f"answered in {tick_seconds[0]:.1f} to {tick_seconds[-1]:.1f} s; "
        f"{len(reads)} reads meanwhile, p50 {read_seconds[len(read_seconds) // 2] * 1000:.0f} ms, "
        f"max {read_seconds[-1] * 1000:.0f} ms"
    )
    # No write failed with a 500: those that could not get the database in time answered
    # the 503 page with Retry-After, and any that succeeded did so after the lock was gone.
    assert {(status, retry) for status, _, retry, _ in ticks} <= {(503, "10"), (200, None)}
    assert len([status for status, *_ in ticks if status == 503]) >= TICKS // 2
    assert all(end > released.release_time for status, _, _, end in ticks if status == 200)
    assert tick_seconds[-1] < 2 * settings.SQLITE_BUSY_TIMEOUT + 1
    # Reads went on while the writers waited: all answered, all before the lock was released.
    assert len(reads) >= 10
    assert {status for status, *_ in reads} == {200}
    assert all(end < released.release_time for *_, end in reads)

    # Once the lock is gone, the same write succeeds.
    status, *_ = timed_tick(0)
    assert status == 200
