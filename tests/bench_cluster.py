"""Throughput through nginx with 1 node, then with 2, in the same run (`make bench-cluster`).

nginx and the nodes run under supervisord as in `make cluster` (tests/cluster.py), on free
ports and a temporary var/. Each node runs BENCH_WORKERS gunicorn workers (default 1, so
that 2 nodes are twice the processes of 1); PostgreSQL and Redis come from DATABASE_URL and
REDIS_URL as for `make cluster`. Parallel keep-alive clients on this machine fetch each
page BENCH_REQUESTS times. Figures, not assertions: the clients share the machine's cores with
the nodes, so compare runs on the same machine.
"""

import http.client
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.cluster import DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL, Cluster  # noqa: E402

PAGES = ["/", "/roadmap/", "/skills/?category=mlops", "/search/?q=learning", "/healthz"]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "600"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = os.environ.get("BENCH_WORKERS", "1")


def measure(port: int, path: str) -> tuple[float, float, float, int]:
    local = threading.local()
    errors = [0]

    def fetch(_) -> float:
        if not hasattr(local, "connection"):
            local.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        local.connection.request("GET", path)
        response = local.connection.getresponse()
        response.read()
        if response.status != 200:
            errors[0] += 1
        return time.perf_counter() - start

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        list(pool.map(fetch, range(CLIENTS * 5)))  # warm up
        start = time.perf_counter()
        timings = sorted(pool.map(fetch, range(REQUESTS)))
        elapsed = time.perf_counter() - start
    p95 = timings[int(len(timings) * 0.95) - 1]
    return REQUESTS / elapsed, statistics.median(timings) * 1000, p95 * 1000, errors[0]


def run(nodes: int) -> dict[str, float]:
    results = {}
    with tempfile.TemporaryDirectory() as var:
        cluster = Cluster(
            nodes=nodes,  # on free ports
            var_dir=Path(var),
            database_url=os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
            env={"WEB_CONCURRENCY": WORKERS},
            quiet=True,
        )
        with cluster:
            print(f"\n{nodes} node(s) x {WORKERS} worker(s), through nginx at {cluster.url}")
            print(f"{'page':28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
            for path in PAGES:
                rate, p50, p95, errors = measure(cluster.port, path)
                results[path] = rate
                print(f"{path:28} {rate:8.0f} {p50:8.1f} {p95:8.1f} {errors:7d}")
    return results


def main() -> None:
    print(
        f"{REQUESTS} requests per page, {CLIENTS} keep-alive clients, "
        f"{os.cpu_count()} CPU cores on this machine"
    )
    one = run(1)
    two = run(2)
    print("\nThroughput with 2 nodes / with 1 node")
    for path in PAGES:
        print(f"{path:28} {two[path] / one[path]:8.2f}x")


if __name__ == "__main__":
    main()
