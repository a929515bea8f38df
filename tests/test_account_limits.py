"""Password confirmations count against the login's limits (django-axes); password
resets take one path for every address and are limited per address and per client; an
email address belongs to one account at most."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guide import forms
from guide.platform import background
from tests.conftest import PASSWORD

User = get_user_model()


def delete_account(client, password: str):
    return client.post(reverse("guide:delete-account"), {"password": password})


def change_password(client, password: str):
    return client.post(
        reverse("guide:password-change"),
        {
            "old_password": password,
            "new_password1": "another passphrase",
            "new_password2": "another passphrase",
        },
    )


@pytest.mark.parametrize("confirm", [delete_account, change_password])
def test_wrong_confirmations_lock_out_like_failed_logins(client, ada, confirm):
    client.force_login(ada)
    for _ in range(4):
        response = confirm(client, "wrong")
        assert response.status_code in {HTTPStatus.OK, HTTPStatus.BAD_REQUEST}
    assert confirm(client, "wrong").status_code == HTTPStatus.TOO_MANY_REQUESTS

    response = confirm(client, PASSWORD)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many failed logins" in response.text
    ada.refresh_from_db()
    assert ada.check_password(PASSWORD)
    # The username is locked for logging in too, from any address.
    elsewhere = Client(REMOTE_ADDR="10.9.8.7").post(
        reverse("guide:login"), {"username": "ada", "password": PASSWORD}
    )
    assert elsewhere.status_code == HTTPStatus.TOO_MANY_REQUESTS


@pytest.mark.parametrize("confirm", [delete_account, change_password])
def test_a_right_confirmation_still_works_below_the_limit(client, ada, confirm):
    client.force_login(ada)
    for _ in range(3):
        confirm(client, "wrong")
    assert confirm(client, PASSWORD).status_code == HTTPStatus.FOUND


@pytest.fixture
def mail_jobs(monkeypatch) -> list[dict]:
    """The background jobs a reset asks for, recorded instead of run."""
    jobs = []
    monkeypatch.setattr(background, "run_later", lambda job, **options: jobs.append(options))
    return jobs


def post_reset(client, email: str, remote_addr: str = "203.0.113.7"):
    return client.post(reverse("guide:password-reset"), {"email": email}, REMOTE_ADDR=remote_addr)


def test_a_reset_takes_the_same_path_for_known_and_unknown_addresses(client, ada, mail_jobs):
    seen = {}
    for email in ("ada@example.org", "nobody@example.org"):
        with CaptureQueriesContext(connection) as queries:
            response = post_reset(client, email)
        assert response["Location"] == reverse("guide:password-reset-sent")
        seen[email] = [query["sql"] for query in queries]
    # No account is looked up, and no mail is sent, while the visitor waits.
    assert seen["ada@example.org"] == seen["nobody@example.org"]
    assert not any("auth_user" in sql for sqls in seen.values() for sql in sqls)
    assert mail.outbox == []
    assert mail_jobs[0] == mail_jobs[1]


def test_resets_are_limited_per_address(client, db, mail_jobs):
    for number in range(3):
        assert post_reset(client, "Ada@example.org", f"203.0.113.{number}").status_code == (
            HTTPStatus.FOUND
        )
    response = post_reset(client, "ada@EXAMPLE.org", "203.0.113.99")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert 0 < int(response["Retry-After"]) <= 3600
    assert "Too many password resets" in response.text
    assert post_reset(client, "grace@example.org", "203.0.113.99").status_code == (
        HTTPStatus.FOUND
    )


def test_resets_are_limited_per_client(client, db, mail_jobs):
    for number in range(10):
        assert post_reset(client, f"person{number}@example.org").status_code == HTTPStatus.FOUND
    assert post_reset(client, "another@example.org").status_code == (HTTPStatus.TOO_MANY_REQUESTS)
    assert post_reset(client, "another@example.org", "198.51.100.1").status_code == (
        HTTPStatus.FOUND
    )


def sign_up(client, username: str, email: str):
    return client.post(
        reverse("guide:signup"),
        {"username": username, "email": email, "password1": GOOD, "password2": GOOD},
    )


GOOD = "a long passphrase"


def test_an_email_address_belongs_to_one_account(client, ada):
    response = sign_up(client, "grace", "ADA@Example.org")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "An account already uses this email address." in response.text
    assert not User.objects.filter(username="grace").exists()
    assert sign_up(client, "grace", "grace@example.org").status_code == HTTPStatus.FOUND


def test_accounts_without_an_email_do_not_clash(client, db):
    assert sign_up(client, "grace", "").status_code == HTTPStatus.FOUND
    client.logout()
    assert sign_up(client, "alan", "").status_code == HTTPStatus.FOUND


def test_the_database_refuses_a_second_account_for_one_address(ada):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("grace", "ada@EXAMPLE.ORG", GOOD)
    User.objects.create_user("alan", "", GOOD)
    User.objects.create_user("grace", "", GOOD)
    assert User.objects.filter(email="").count() == 2


def test_a_sign_up_that_loses_a_race_for_the_address_says_so(client, ada, monkeypatch):
    # The form's check passes (as if ada's row were not committed yet); the index decides.
    monkeypatch.setattr(forms.SignUpForm, "clean_email", lambda form: form.cleaned_data["email"])
    response = sign_up(client, "grace", "ada@example.org")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "was just taken" in response.text
    assert not User.objects.filter(username="grace").exists()
