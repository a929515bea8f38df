"""Signing in with a password: Django's backend, reading the account with a compiled query."""

from http import HTTPStatus

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.test import Client
from django.urls import reverse

from guide.platform import auth
from guide.serving.compiled import CompiledQuery
from tests.factories import SKILLS

PASSWORD = "a horse of a password 1"


def test_the_backend_reads_only_active_accounts(ada):
    backend = auth.AccountBackend()
    assert backend.get_user(ada.pk) == ada
    assert backend.get_user(str(ada.pk)) == ada  # as the session holds it
    found = backend.get_user(ada.pk)
    assert found.get_username() == "ada" and found.password == ada.password
    found.validate_unique()  # a row read from the database: its own username is no clash
    assert backend.get_user(ada.pk + 1000) is None
    assert backend.get_user("not a number") is None
    ada.is_active = False
    ada.save()
    assert backend.get_user(ada.pk) is None


def test_logging_in_goes_through_the_backend(db):
    get_user_model().objects.create_user("grace", "grace@example.org", PASSWORD)
    client = Client()
    response = client.post(reverse("guide:login"), {"username": "grace", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert client.session[BACKEND_SESSION_KEY] == auth.BACKEND
    refused = Client().post(reverse("guide:login"), {"username": "grace", "password": "no"})
    assert refused.status_code == HTTPStatus.OK
    assert not refused.wsgi_request.user.is_authenticated


@pytest.mark.parametrize("legacy", sorted(auth.LEGACY_BACKENDS))
def test_a_session_signed_in_before_stays_signed_in(ada, content, legacy):
    learner = Client()
    learner.force_login(ada, backend=auth.BACKEND)
    session = learner.session
    session[BACKEND_SESSION_KEY] = legacy  # as a session signed in before was saved
    session.save()
    page = learner.get(SKILLS).text
    assert "Signed in as <strong>ada</strong>" in page
    assert learner.session[BACKEND_SESSION_KEY] == auth.BACKEND


def test_a_compiled_query_reads_what_the_orm_reads(ada):
    accounts = CompiledQuery(
        lambda name: get_user_model().objects.filter(username=name).values_list("pk", "email"),
        str,
    )
    assert accounts.rows("ada") == list(
        get_user_model().objects.filter(username="ada").values_list("pk", "email")
    )
    assert accounts.rows("nobody") == []


def test_a_compiled_query_uses_each_value_once(ada):
    twice = CompiledQuery(
        lambda pk: get_user_model().objects.filter(pk=pk) | get_user_model().objects.filter(pk=pk),
        int,
    )
    with pytest.raises(ValueError, match="each value must be used once"):
        twice.rows(ada.pk)
