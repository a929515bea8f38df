"""The client's address, behind the proxies we trust and in front of the ones we do not."""

from http import HTTPStatus

from django.test import RequestFactory
from django.urls import reverse

from guide.platform.clientip import client_ip
from tests.conftest import PASSWORD

PROXY = "127.0.0.1"  # FORWARDED_ALLOW_IPS' default, as gunicorn has it


def address(remote_addr: str, forwarded: str | None = None) -> str:
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))


def test_a_direct_client_is_its_remote_address():
    assert address("203.0.113.7") == "203.0.113.7"


def test_a_direct_client_cannot_forge_its_address():
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_it_appended():
    assert address(PROXY, "203.0.113.7") == "203.0.113.7"


def test_a_spoofed_left_part_is_ignored():
    assert address(PROXY, "198.51.100.1, 203.0.113.7") == "203.0.113.7"
    assert address(PROXY, "not an address, 10.0.0.1 ,203.0.113.7") == "203.0.113.7"


def test_malformed_entries_are_skipped():
    assert address(PROXY, "203.0.113.7, garbage") == "203.0.113.7"
    assert address(PROXY, "") == PROXY  # the proxy itself made the request


def test_chains_of_trusted_proxies_and_networks(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "fd00::/8"]
    assert address(PROXY, "198.51.100.1, 203.0.113.7, 10.1.2.3, 10.4.5.6") == "203.0.113.7"
    assert address("fd00::1", "2001:db8::5") == "2001:db8::5"
    assert address("10.9.9.9", "::ffff:203.0.113.7") == "203.0.113.7"
    # A proxy we do not trust is the client, whatever it forwards.
    assert address("192.0.2.1", "203.0.113.7") == "192.0.2.1"


def test_everything_trusted_takes_the_left_most(settings):
    settings.TRUSTED_PROXIES = ["*"]
    assert address("192.0.2.1", "203.0.113.7, 198.51.100.1") == "203.0.113.7"


def login(client, username: str, password: str, forwarded: str):
    return client.post(
        reverse("guide:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_rotating_a_spoofed_address_still_locks_out_the_client(client, ada):
    for number in range(5):
        login(client, f"guess{number}", "wrong", f"198.51.100.{number}, 203.0.113.7")
    response = login(client, "ada", PASSWORD, "198.51.100.99, 203.0.113.7")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_clients_behind_the_proxy_do_not_share_one_lockout(client, ada):
    for number in range(5):
        login(client, f"guess{number}", "wrong", "203.0.113.7")
    assert login(client, "ada", "wrong", "203.0.113.7").status_code == (
        HTTPStatus.TOO_MANY_REQUESTS
    )
    response = login(client, "ada", PASSWORD, "203.0.113.8")
    assert response.status_code == HTTPStatus.FOUND


def test_rate_limits_use_the_same_rule(client, db, monkeypatch):
    monkeypatch.setattr("guide.platform.background.run_later", lambda job, **options: None)
    for number in range(10):
        response = client.post(
            reverse("guide:password-reset"),
            {"email": f"person{number}@example.org"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.7",
        )
        assert response.status_code == HTTPStatus.FOUND
    response = client.post(
        reverse("guide:password-reset"),
        {"email": "another@example.org"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.7",
    )
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
