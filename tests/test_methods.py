"""A method that a page does not take gets the site's 405 page with `Allow`, first."""

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from guide.platform.methods import allowed_methods


@pytest.fixture
def strict_client() -> Client:
    """A client that, like a browser without the form's token, gets CSRF checks."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "FROBNICATE"])
@pytest.mark.parametrize("name", ["guide:search", "guide:home", "guide:roadmap"])
def test_reading_pages_answer_405_with_the_site_page(strict_client, db, method, name):
    response = strict_client.generic(method, reverse(name))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "GET, HEAD"
    assert "Method not allowed" in response.text
    assert "This address does not take" in response.text
    assert "form has expired" not in response.text
    assert '<link rel="stylesheet"' in response.text  # the site's design


def test_a_post_only_address_says_so(client, db):
    response = client.get(reverse("guide:tick-item", args=["anything"]))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert response["Allow"] == "POST"
    assert "It takes POST." in response.text


def test_class_based_views_answer_405_too(client, db):
    response = client.get(reverse("guide:logout"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert "POST" in response["Allow"] and "GET" not in response["Allow"]
    assert "Method not allowed" in response.text


def test_a_post_without_a_token_to_a_form_is_still_refused_by_csrf(strict_client, db):
    response = strict_client.post(reverse("guide:password-reset"), {"email": "a@example.org"})
    assert response.status_code == HTTPStatus.FORBIDDEN


def test_every_address_of_the_guide_says_which_methods_it_takes():
    patterns = [
        pattern
        for resolver in get_resolver().url_patterns
        if getattr(resolver, "app_name", None) == "guide"
        for pattern in resolver.url_patterns
        if isinstance(pattern, URLPattern)
    ]
    assert len(patterns) > 20
    silent = [
        str(pattern.pattern) for pattern in patterns if allowed_methods(pattern.callback) is None
    ]
    assert silent == []
