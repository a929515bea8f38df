"""/changes/ and its Atom feed: published changes, newest first, never a draft, never who."""

import re
import xml.etree.ElementTree as ET
from http import HTTPStatus

from django.urls import reverse

from guide.models import Certification, ListItem, Provider, Skill
from tests.factories import CHANGES, FEED, ORIGIN, change_url, form_data

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(text: str) -> list[str]:
    """The listed changes as text: "Changed skill: Docker"."""
    items = re.findall(r'<li id="[\w-]+">(.*?)</li>', text, re.S)
    return [" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items]


def feed(client) -> ET.Element:
    response = client.get(FEED)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_an_admin_edit_is_listed_first_for_readers(editor_client, client, content):
    skill = Skill.objects.get(slug="docker")
    response = editor_client.post(change_url(skill), form_data(skill, name="Docker Engine"))
    assert response.status_code == HTTPStatus.FOUND
    editor_client.logout()

    page = client.get(CHANGES)
    assert page.status_code == HTTPStatus.OK
    assert entries(page.text)[0] == "Changed skill: Docker Engine"
    assert f'<a href="{skill.get_absolute_url()}">Docker Engine</a>' in page.text
    assert "edith" not in page.text.lower()

    document = feed(client)
    first = document.find(f"{ATOM}entry")
    assert first.findtext(f"{ATOM}title") == "Changed: skill “Docker Engine”"
    assert first.find(f"{ATOM}link").get("href") == ORIGIN + skill.get_absolute_url()
    assert first.findtext(f"{ATOM}updated")
    ids = [entry.findtext(f"{ATOM}id") for entry in document.iter(f"{ATOM}entry")]
    assert len(ids) == len(set(ids))
    assert b"edith" not in client.get(FEED).content.lower()


def test_drafts_never_show(editor_client, client, content):
    certification = Certification.objects.get(slug="azure-ai-engineer-associate")
    editor_client.post(
        change_url(certification), form_data(certification, published=False, name="Secret")
    )
    certification.refresh_from_db()
    editor_client.post(change_url(certification), form_data(certification, name="Secret 2"))
    provider = Provider.objects.get(slug="aws")
    editor_client.post(change_url(provider), form_data(provider, published=False))
    hidden_child = provider.certifications.first()
    editor_client.post(change_url(hidden_child), form_data(hidden_child, name="Hidden child"))
    visible = Skill.objects.get(slug="docker")
    editor_client.post(change_url(visible), form_data(visible, name="Docker Engine"))
    editor_client.logout()

    text = client.get(CHANGES).text
    feed_text = client.get(FEED).content.decode()
    assert "Docker Engine" in text and "Docker Engine" in feed_text
    for secret in ["Secret", "Hidden child", provider.name]:
        assert secret not in text
        assert secret not in feed_text


def test_a_removed_row_is_listed_without_a_link(editor_client, client, content):
    item = ListItem.objects.published().first()
    delete_url = reverse("admin:guide_listitem_delete", args=[item.pk])
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == HTTPStatus.FOUND
    editor_client.logout()
    assert entries(client.get(CHANGES).text)[0] == f"Removed list item: {item.text}"


def test_changes_are_newest_first(client, content):
    for name in ["First", "Second", "Third"]:
        skill = Skill.objects.get(slug="docker")
        skill.name = name
        skill.save()
    assert entries(client.get(CHANGES).text)[:3] == [
        f"Changed skill: {name}" for name in ["Third", "Second", "First"]
    ]


def test_the_page_is_the_same_for_every_visitor_without_a_session(client, content):
    response = client.get(CHANGES)
    assert "Set-Cookie" not in response.headers
    assert "csrfmiddlewaretoken" not in response.text
    assert response["ETag"]
