"""Malformed admin addresses answer 4xx, never 500; admin pages pass the CSP."""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import make_category, make_project, make_section, make_skill

User = get_user_model()


@pytest.fixture
def admin_client_(db) -> Client:
    user = User.objects.create_superuser("root", "root@example.org", "a root passphrase")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/guide/section/abc/history/",
        "/admin/guide/section/{pk}/history/abc/",
        "/admin/guide/section/abc/history/1/",
        "/admin/guide/section/%00/history/",
        "/admin/guide/section/{pk}/history/99999999999999999999/",
    ],
)
def test_malformed_history_addresses_answer_404(editor_client, path):
    section = make_section()
    response = editor_client.get(path.format(pk=section.pk))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_real_history_page_still_works_and_has_no_inline_style(editor_client):
    section = make_section()
    response = editor_client.get(f"/admin/guide/section/{section.pk}/history/")
    assert response.status_code == HTTPStatus.OK
    assert "style=" not in response.text
    version = section.history.first()
    response = editor_client.get(
        f"/admin/guide/section/{section.pk}/history/{version.history_id}/"
    )
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("term", ["%00", "a%00b", "%00%00"])
def test_autocomplete_with_a_nul_answers_without_error(editor_client, term):
    make_skill(make_category(), name="Docker")
    make_project()
    response = editor_client.get(
        "/admin/autocomplete/?app_label=guide&model_name=portfolioproject_skills"
        f"&field_name=skill&term={term}"
    )
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert response.json()["results"] == []


def test_autocomplete_still_finds_skills(editor_client):
    make_skill(make_category(), name="Dockerfile linting")
    response = editor_client.get(
        "/admin/autocomplete/?app_label=guide&model_name=portfolioproject_skills"
        "&field_name=skill&term=dockerfile"
    )
    assert [result["text"] for result in response.json()["results"]] == ["Dockerfile linting"]


@pytest.mark.parametrize("url", ["/admin/guide/section/?q=%00", "/admin/auth/user/?q=%00"])
def test_change_list_search_with_a_nul_answers_without_error(admin_client_, url):
    response = admin_client_.get(url)
    assert response.status_code == HTTPStatus.OK


def test_the_admin_refuses_a_second_account_for_one_address(admin_client_):
    grace = User.objects.create_user("grace", "grace@example.org", "a long passphrase")
    page = admin_client_.get(reverse("admin:auth_user_change", args=[grace.pk])).text
    assert re.search(r'name="email"', page)
    response = admin_client_.post(
        reverse("admin:auth_user_change", args=[grace.pk]),
        {
            "username": "grace",
            "email": "ROOT@example.org",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "is_active": "on",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "Another account already uses this email address." in response.text
    grace.refresh_from_db()
    assert grace.email == "grace@example.org"
