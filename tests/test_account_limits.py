"""Password confirmations count against the login's limits (django-axes)."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

User = get_user_model()
PASSWORD = "correct horse 1"


@pytest.fixture
def ada(db):
    return User.objects.create_user("ada", "ada@example.org", PASSWORD)


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
