"""The scaled-out topology, for real: nginx in front of two gunicorn nodes sharing
PostgreSQL and Redis, kept by supervisord, started once for the module by tests/cluster.py
(as `make cluster`).

Runs when DATABASE_URL names PostgreSQL and REDIS_URL is set (the PostgreSQL and Redis leg
of `.ci/run`). The nodes reach PostgreSQL and Redis through TCP forwarders owned by the
test, so an outage is a real refused connection without stopping servers others use.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

import dj_database_url
import psycopg
import pytest
from psycopg import sql

from tests.cluster import Cluster, find_nginx
from tests.servers import free_port

DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES_AND_REDIS = DATABASE_URL.startswith(("postgres://", "postgresql://")) and REDIS_URL

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES_AND_REDIS,
    reason="the cluster runs on PostgreSQL and Redis: set DATABASE_URL=postgres://... and "
    "REDIS_URL=redis://... (the PostgreSQL and Redis leg of .ci/run)",
)

PASSWORD = "correct horse battery 1"
ITEM = "programming-functions"
STAGE_PAGE = "/roadmap/learn-programming-fundamentals/"


class Forwarder:
    """127.0.0.1:port → target, which the test can cut (refusing and dropping every
    connection, as a stopped server does) and restore."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.connections: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.listener = None
        self.up()

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self.accept, args=(listener,), daemon=True).start()

    def down(self) -> None:
        # shutdown() wakes the thread blocked in accept(); close() alone would not.
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        with self.lock:
            for conn in self.connections:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self.connections.clear()

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections |= {client, server}
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self.pump, args=(source, sink), daemon=True).start()

    def pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for conn in (source, sink):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
                with self.lock:
                    self.connections.discard(conn)


def cluster_database_url(url: str, port: int, name: str) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return f"{parts.scheme}://{credentials}127.0.0.1:{port}/{name}"


@pytest.fixture(scope="module")
def topology(tmp_path_factory):
    if not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        message = "nginx is not installed (apt-get install -y nginx)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    find_nginx()
    config = dj_database_url.parse(DATABASE_URL)
    name = f"{config['NAME']}_cluster"
    admin = dj_database_url.parse(DATABASE_URL)
    with psycopg.connect(
        host=admin["HOST"],
        port=admin["PORT"] or 5432,
        user=admin["USER"],
        password=admin["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    redis = urlsplit(REDIS_URL)
    database = Forwarder(config["HOST"] or "127.0.0.1", int(config["PORT"] or 5432))
    cache = Forwarder(redis.hostname or "127.0.0.1", redis.port or 6379)
    cluster = Cluster(
        nodes=2,  # on free ports: nginx's, and the next two for the nodes
        var_dir=tmp_path_factory.mktemp("cluster"),
        database_url=cluster_database_url(DATABASE_URL, database.port, name),
        redis_url=f"redis://127.0.0.1:{cache.port}{redis.path or '/0'}",
        quiet=True,
    )
    with cluster:
        dsn = dj_database_url.parse(DATABASE_URL)
        direct = psycopg.connect(
            host=dsn["HOST"],
            port=dsn["PORT"] or 5432,
            user=dsn["USER"],
            password=dsn["PASSWORD"] or None,
            dbname=name,
            autocommit=True,
        )
        yield cluster, database, cache, direct
        direct.close()
    database.down()
    cache.down()


class Visitor:
    """A browser without JavaScript: keeps its cookies, follows no redirect."""

    def __init__(self, address: str = "127.0.0.1"):
        self.cookies: dict[str, str] = {"csrftoken": secrets.token_hex(16)}
        self.address = address  # the loopback address it connects from

    def request(self, base: str, method: str, path: str, data: dict | None = None, **headers):
        connection = http.client.HTTPConnection(
            urlsplit(base).netloc, timeout=30, source_address=(self.address, 0)
        )
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = base
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, value = value.split(";", 1)[0].split("=", 1)
                if value:
                    self.cookies[key] = value
                else:
                    self.cookies.pop(key, None)
        return response.status, response, text

    def get(self, base: str, path: str, **headers):
        return self.request(base, "GET", path, **headers)

    def post(self, base: str, path: str, data: dict, **headers):
        return self.request(base, "POST", path, data, **headers)

    def completed(self, base: str) -> list[str]:
        status, _, text = self.get(base, "/progress/export.json")
        assert status == 200
        return [row["item"] for row in json.loads(text)["completed_items"]]


def sign_up(base: str) -> tuple[Visitor, str]:
    visitor = Visitor()
    username = "learner-" + secrets.token_hex(4)
    status, response, text = visitor.post(
        base,
        "/accounts/signup/",
        {"username": username, "email": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert status == 302, text[:2000]
    return visitor, username


def signed_in_as(text: str) -> str | None:
    match = re.search(r"Signed in as <strong>([^<]+)</strong>", text)
    return match.group(1) if match else None


def test_a_sign_up_on_node_1_is_signed_in_on_node_2_and_through_nginx(topology):
    cluster, *_ = topology
    visitor, username = sign_up(cluster.node_url(1))
    for base in (cluster.node_url(2), cluster.url):
        status, _, text = visitor.get(base, "/progress/")
        assert status == 200
        assert signed_in_as(text) == username


def test_a_guests_ticks_on_node_1_show_on_node_2(topology):
    cluster, *_ = topology
    guest = Visitor()
    status, _, _ = guest.post(cluster.node_url(1), f"/progress/items/{ITEM}/", {"done": "1"})
    assert status == 302
    assert guest.completed(cluster.node_url(2)) == [ITEM]
    assert guest.completed(cluster.url) == [ITEM]


class FormReader(HTMLParser):
    """The fields a browser would submit from the admin's change form."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.select = self.textarea = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in {"submit", "button", "file"}:
            if attrs.get("type") in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.text += data


def test_an_editors_change_on_node_1_is_served_by_node_2_next(topology):
    cluster, _, _, db = topology
    cluster.manage("create_editor", "--no-input", "--username", "editor", EDITOR_PASSWORD=PASSWORD)
    before = {}
    for base in (cluster.node_url(2), cluster.url):
        status, response, text = Visitor().get(base, "/certifications/")
        assert status == 200 and "Azure AI Engineer Associate<" in text
        before[base] = response.getheader("ETag")

    editor = Visitor()
    status, _, _ = editor.post(
        cluster.node_url(1), "/admin/login/", {"username": "editor", "password": PASSWORD}
    )
    assert status == 302
    (pk,) = db.execute(
        "SELECT id FROM guide_certification WHERE slug = 'azure-ai-engineer-associate'"
    ).fetchone()
    path = f"/admin/guide/certification/{pk}/change/"
    status, _, text = editor.get(cluster.node_url(1), path)
    assert status == 200
    form = FormReader()
    form.feed(text)
    fields = [
        (key, "Azure AI Engineer Associate (AI-102)" if key == "name" else value)
        for key, value in form.fields
        if key != "csrfmiddlewaretoken"
    ]
    status, _, text = editor.request(cluster.node_url(1), "POST", path, dict(fields, _save="Save"))
    assert status == 302, text[:3000]

    for base in (cluster.node_url(2), cluster.url):
        # Cached or not: a revalidation with the old ETag and a plain request both get it.
        status, response, text = Visitor().get(
            base, "/certifications/", **{"If-None-Match": before[base]}
        )
        assert status == 200
        assert "Azure AI Engineer Associate (AI-102)" in text
        assert response.getheader("ETag") != before[base]
        status, _, text = Visitor().get(base, "/certifications/")
        assert "Azure AI Engineer Associate (AI-102)" in text


def test_failed_logins_on_both_nodes_lock_the_account(topology):
    cluster, *_ = topology
    _, username = sign_up(cluster.node_url(1))
    for attempt in range(5):  # AXES_FAILURE_LIMIT, alternating nodes
        base = cluster.node_url(1 + attempt % 2)
        status, _, _ = Visitor().post(
            base, "/accounts/login/", {"username": username, "password": "wrong"}
        )
        assert status in {200, 429}
    for base in (cluster.node_url(1), cluster.node_url(2)):
        status, _, _ = Visitor().post(
            base, "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 429


def test_a_spoofed_forwarded_for_through_nginx_escapes_no_address_limit(topology):
    """nginx appends the address it sees; the nodes take the right-most one that is not a
    trusted proxy. Clients on 127.0.0.2 and 127.0.0.3 reach nginx; nginx (127.0.0.1) is the
    only trusted proxy, so a forged left part is never taken for the client."""
    cluster, _, _, db = topology
    _, username = sign_up(cluster.node_url(1))
    try:
        for attempt in range(5):  # AXES_FAILURE_LIMIT, each with another forged address
            status, _, _ = Visitor("127.0.0.2").post(
                cluster.url,
                "/accounts/login/",
                {"username": f"nobody-{attempt}", "password": "wrong"},
                **{"X-Forwarded-For": f"203.0.113.{attempt}"},
            )
            assert status in {200, 429}
        ip = db.execute(
            "SELECT DISTINCT host(ip_address) FROM axes_accessattempt "
            "WHERE username LIKE 'nobody-%%'"
        ).fetchall()
        assert ip == [("127.0.0.2",)]
        # That client is locked out, even with the right password of a real account...
        status, _, _ = Visitor("127.0.0.2").post(
            cluster.url,
            "/accounts/login/",
            {"username": username, "password": PASSWORD},
            **{"X-Forwarded-For": "198.51.100.7"},
        )
        assert status == 429
        # ...and another client behind the same proxy is not.
        status, _, _ = Visitor("127.0.0.3").post(
            cluster.url, "/accounts/login/", {"username": username, "password": PASSWORD}
        )
        assert status == 302
    finally:
        db.execute("DELETE FROM axes_accessattempt WHERE ip_address = '127.0.0.2'")


def count_ticks(db, username: str, item: str = ITEM) -> int:
    (count,) = db.execute(
        "SELECT count(*) FROM guide_completion c JOIN auth_user u ON u.id = c.user_id "
        "JOIN guide_checklistitem i ON i.id = c.item_id WHERE u.username = %s AND i.slug = %s",
        [username, item],
    ).fetchone()
    return count


def test_identical_ticks_split_across_nodes_leave_one_row(topology):
    cluster, _, _, db = topology
    visitor, username = sign_up(cluster.node_url(1))

    def tick(n: int, done: str = "1") -> int:
        base = cluster.node_url(1 + n % 2)
        return visitor.post(base, f"/progress/items/{ITEM}/", {"done": done})[0]

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(tick, range(40)))
    assert statuses == [302] * 40
    assert count_ticks(db, username) == 1

    # Conflicting ticks at once: no error, never two rows; the last one asked for wins.
    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda n: tick(n, "01"[n % 3 == 0]), range(40)))
    assert statuses == [302] * 40
    assert count_ticks(db, username) <= 1
    for n, done in enumerate("0110100"):
        assert tick(n, done) == 302
        other = cluster.node_url(1 + (n + 1) % 2)
        assert visitor.completed(other) == ([ITEM] if done == "1" else [])
        assert count_ticks(db, username) == int(done)


def access_log_lines(cluster, k: int) -> int:
    return (cluster.var / f"node{k}" / "gunicorn.log").read_text().count('"GET ')


def test_a_node_killed_under_load_loses_no_read_and_no_tick(topology):
    cluster, _, _, db = topology
    visitor, username = sign_up(cluster.url)
    items = db.execute(
        "SELECT slug FROM guide_checklistitem ORDER BY stage_id, position LIMIT 12"
    ).fetchall()
    stop = threading.Event()
    failures: list[str] = []
    reads = [0]

    cut = [0]

    def read_loop():
        reader = Visitor()
        while not stop.is_set():
            try:
                status, _, _ = reader.get(cluster.url, STAGE_PAGE)
            except (http.client.IncompleteRead, ConnectionError):
                # A response the node was sending at the instant of SIGKILL is cut after
                # its headers: nginx cannot replay what it already passed on. The reader
                # loads again, and the next read must succeed (it goes to node 1).
                cut[0] += 1
                status, _, _ = reader.get(cluster.url, STAGE_PAGE)
            reads[0] += 1
            if status != 200:
                failures.append(status)

    def tick(slug: str) -> None:
        # A POST in flight on the killed node gets 502 (nginx never replays a POST):
        # the learner presses again, and since a tick states what it wants, nothing doubles.
        for _ in range(10):
            try:
                status = visitor.post(cluster.url, f"/progress/items/{slug}/", {"done": "1"})[0]
            except (http.client.IncompleteRead, ConnectionError):
                status = None  # cut by the kill, like a 502: press again
            if status == 302:
                return
            time.sleep(0.2)
        raise AssertionError(f"the tick on {slug} never succeeded")

    killed = False
    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            readers = [pool.submit(read_loop) for _ in range(3)]
            time.sleep(1)
            for n, (slug,) in enumerate(items):
                if n == 4:
                    cluster.kill_node(2)
                    killed = True
                tick(slug)
            time.sleep(1)
            stop.set()
            for reader in readers:
                reader.result()
    finally:
        stop.set()
        if killed:  # the next tests need both nodes: supervisord restarts it, or else
            cluster.start_node(2)
            cluster.wait_until_ready(cluster.node_url(2) + "/readyz", "node2")
    assert reads[0] > 20
    assert failures == []
    assert cut[0] <= 3  # at most the reads in flight on node 2 when it died
    for (slug,) in items:
        assert count_ticks(db, username, slug) == 1

    before = access_log_lines(cluster, 2)
    deadline = time.monotonic() + 20  # nginx retries a failed node after fail_timeout (5 s)
    while access_log_lines(cluster, 2) == before and time.monotonic() < deadline:
        Visitor().get(cluster.url, STAGE_PAGE)
        time.sleep(0.1)
    assert access_log_lines(cluster, 2) > before, "the restarted node got no request"


def test_a_killed_node_is_started_again_by_supervisord(topology):
    cluster, *_ = topology
    killed = cluster.pid("node2")
    cluster.kill_node(2)
    deadline = time.monotonic() + 30
    while cluster.pid("node2") in {0, killed}:
        assert time.monotonic() < deadline, "supervisord did not start the node again"
        time.sleep(0.2)
    cluster.wait_until_ready(cluster.node_url(2) + "/readyz", "node2")
    assert Visitor().get(cluster.node_url(2), STAGE_PAGE)[0] == 200


def gone(pid: int, *, group: bool = False) -> bool:
    try:
        (os.killpg if group else os.kill)(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_cluster_stops_whole_and_a_killed_runs_files_do_not_block_the_next(
    topology, tmp_path_factory
):
    cluster, *_ = topology
    with pytest.raises(SystemExit, match="already running"):
        Cluster(var_dir=cluster.var, quiet=True).prepare()

    other = Cluster(
        nodes=1,
        var_dir=tmp_path_factory.mktemp("other"),
        database_url=cluster.database_url,
        redis_url=cluster.redis_url,
        quiet=True,
    )
    with other:
        other.restart_node(1)  # by hand, as `supervisorctl restart node1`
        other.wait_until_ready(other.node_url(1) + "/readyz", "node1")
        supervisord = other.rpc("getPID")
        groups = [other.pid("node1"), other.pid("nginx")]
    assert gone(supervisord)
    assert all(gone(pgid, group=True) for pgid in groups)  # masters and their workers
    assert not other.pidfile.exists() and not other.socket.exists()

    # What a supervisord killed outright leaves: its pid file, naming a process that is
    # not it (here this one), and its socket, on which nothing answers.
    other.pidfile.write_text(f"{os.getpid()}\n")
    with socket.socket(socket.AF_UNIX) as stale:
        stale.bind(str(other.socket))
    with other:
        assert Visitor().get(other.url, "/readyz")[0] == 200


def assert_outage_page(status: int, response, text: str, *, nginx: bool = False) -> None:
    if nginx and status == 502:  # nginx skips nodes that keep failing for a few seconds
        assert "Back in a moment" in text and "Error 502" in text
        return
    assert status == 503
    assert response.getheader("Retry-After") == "10"
    assert "Back in a moment" in text and 'class="site-header"' in text
    assert "Traceback" not in text


def test_a_database_outage_answers_503_then_recovers_without_a_restart(topology):
    cluster, database, _, _ = topology
    visitor, username = sign_up(cluster.url)
    pids = {k: cluster.pid(f"node{k}") for k in (1, 2)}
    # A page no node has kept (a worker that has kept a page still serves it meanwhile:
    # tests/test_pagecache.py).
    unkept = f"{STAGE_PAGE}?asked-first-during-the-outage={time.monotonic_ns()}"
    database.down()
    try:
        for k in (1, 2):
            assert_outage_page(*Visitor().get(cluster.node_url(k), unkept))
            assert_outage_page(*visitor.get(cluster.node_url(k), "/progress/"))
            status, _, text = Visitor().get(cluster.node_url(k), "/readyz")
            assert status == 503 and "database unavailable" in text
            assert Visitor().get(cluster.node_url(k), "/healthz")[0] == 200
        assert_outage_page(*Visitor().get(cluster.url, unkept), nginx=True)
        status, _, _ = visitor.post(cluster.url, f"/progress/items/{ITEM}/", {"done": "1"})
        assert status in {502, 503}
    finally:
        database.up()
    for k in (1, 2):  # the very next request on each node succeeds
        status, _, text = visitor.get(cluster.node_url(k), "/progress/")
        assert status == 200 and signed_in_as(text) == username
    deadline = time.monotonic() + 15
    while Visitor().get(cluster.url, f"{unkept}-after")[0] != 200:  # rendered, not kept
        assert time.monotonic() < deadline, "nginx did not send readers to the nodes again"
        time.sleep(0.5)
    assert {k: cluster.pid(f"node{k}") for k in (1, 2)} == pids  # no restart


def test_with_redis_stopped_pages_still_answer(topology):
    cluster, _, cache, _ = topology
    visitor, username = sign_up(cluster.url)
    cache.down()
    try:
        for base in (cluster.node_url(1), cluster.node_url(2), cluster.url):
            for path in ("/", STAGE_PAGE, "/skills/?category=mlops", "/search/?q=python"):
                assert Visitor().get(base, path)[0] == 200, (base, path)
            status, _, text = visitor.get(base, "/progress/")
            assert status == 200 and signed_in_as(text) == username  # sessions are in the DB
            status, _, _ = visitor.post(base, f"/progress/items/{ITEM}/", {"done": "1"})
            assert status == 302
        for k in (1, 2):
            status, _, text = Visitor().get(cluster.node_url(k), "/readyz")
            assert status == 503 and "cache unavailable" in text
    finally:
        cache.up()
    deadline = time.monotonic() + 15  # the cache is tried again after its pause (5 s)
    while Visitor().get(cluster.node_url(1), "/readyz")[0] != 200:
        assert time.monotonic() < deadline, "the node did not see Redis come back"
        time.sleep(0.5)


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "title"),
    [
        ("/" + "a" * 5000, {}, None, 414, "Address too long"),  # gunicorn's limit
        ("/" + "a" * 9000, {}, None, 414, "Address too long"),  # nginx's limit
        ("/", {"X-Padding": "b" * 9000}, None, 431, "Request headers too large"),
        # A 2 MB body is announced; nginx answers from the headers, before any byte of it.
        ("/accounts/login/", {"Content-Length": "2000000"}, True, 413, "Request too large"),
    ],
)
def test_oversized_requests_get_the_sites_pages_from_nginx(
    topology, path, headers, body, status, title
):
    cluster, *_ = topology
    connection = http.client.HTTPConnection("127.0.0.1", cluster.port, timeout=30)
    try:
        connection.putrequest("POST" if body else "GET", path)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    assert response.status == status
    assert f"<title>{title} · ML Engineer Career Path</title>" in text
    assert 'class="site-header"' in text and "<style>" in text
    assert "default-src 'none'" in response.getheader("Content-Security-Policy")
