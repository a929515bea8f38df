"""Resources per checklist item and certifications' official pages."""

from http import HTTPStatus

from django.test import Client
from django.urls import reverse

from guide.models import Certification, ChecklistItem, ContentVersion, Resource
from tests.factories import CERTIFICATIONS, ROADMAP, change_url, form_data, make_resource

STAGE_6 = reverse("guide:stage", args=["learn-deployment-and-mlops"])


def resource_links(text: str, item_slug: str) -> str:
    """The part of a page between an item's anchor and the next item."""
    start = text.index(f'id="item-{item_slug}"')
    end = text.find('class="ticks__item', start)
    return text[start : end if end != -1 else None]


def test_the_stage_page_and_the_roadmap_list_each_items_resources(client, content):
    for url in (STAGE_6, ROADMAP):
        text = client.get(url).text
        docker = resource_links(text, "mlops-docker-containers")
        assert (
            '<a href="https://docs.docker.com/" rel="noopener noreferrer">Docker documentation</a>'
            in docker
        )
        assert "(documentation)" in docker
        assert "kubernetes.io" not in docker  # the next item's resource stays with it
        assert 'href="https://kubernetes.io/docs/"' in resource_links(
            text, "mlops-kubernetes-orchestration"
        )


def test_every_resource_of_the_fixture_is_shown_on_its_stage(client, content):
    for resource in Resource.objects.select_related("item__stage"):
        text = client.get(resource.item.stage.get_absolute_url()).text
        assert f'href="{resource.url}"' in resource_links(text, resource.item.slug)


def test_resources_are_shown_in_their_order(client, content):
    item = ChecklistItem.objects.get(slug="programming-software-engineering-best-practices")
    titles = [resource.title for resource in item.resources.all()]
    assert titles[0] == "PEP 8: Style Guide for Python Code"
    text = resource_links(client.get(item.stage.get_absolute_url()).text, item.slug)
    positions = [text.index(title) for title in titles]
    assert positions == sorted(positions)


def test_a_draft_resource_is_shown_to_editors_only(editor_client, content):
    resource = make_resource(
        ChecklistItem.objects.get(slug="data-analysis-sql"),
        title="SQLite documentation",
        url="https://www.sqlite.org/docs.html",
        published=False,
    )
    url = resource.item.stage.get_absolute_url()
    assert "SQLite documentation" not in Client().get(url).text
    editors_view = resource_links(editor_client.get(url).text, "data-analysis-sql")
    assert "SQLite documentation" in editors_view
    assert "Draft" in editors_view


def test_resources_are_edited_inline_on_the_item_with_history(editor_client, content):
    item = ChecklistItem.objects.get(slug="data-analysis-sql")
    page = editor_client.get(change_url(item))
    assert "Resources to learn it from" in page.text
    existing = list(item.resources.all())
    prefix = "resources-"
    data = form_data(item) | {
        f"{prefix}TOTAL_FORMS": len(existing) + 1,
        f"{prefix}INITIAL_FORMS": len(existing),
    }
    for index, resource in enumerate(existing):
        data |= {
            f"{prefix}{index}-id": resource.pk,
            f"{prefix}{index}-item": item.pk,
            f"{prefix}{index}-title": resource.title,
            f"{prefix}{index}-slug": resource.slug,
            f"{prefix}{index}-position": resource.position,
            f"{prefix}{index}-kind": resource.kind,
            f"{prefix}{index}-url": resource.url,
            f"{prefix}{index}-published": "on",
        }
    new = len(existing)
    data |= {
        f"{prefix}{new}-item": item.pk,
        f"{prefix}{new}-title": "SQL for beginners",
        f"{prefix}{new}-slug": "data-analysis-sql--sql-for-beginners",
        f"{prefix}{new}-position": 9,
        f"{prefix}{new}-kind": "book",
        f"{prefix}{new}-url": "https://books.example.org/sql/",
        f"{prefix}{new}-published": "on",
    }
    version = ContentVersion.current().number
    response = editor_client.post(change_url(item), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    added = Resource.objects.get(slug="data-analysis-sql--sql-for-beginners")
    assert added.history.count() == 1
    assert ContentVersion.current().number > version
    shown = resource_links(Client().get(item.stage.get_absolute_url()).text, item.slug)
    assert 'SQL for beginners</a> <span class="resources__kind">(book)</span>' in shown


def test_a_resource_must_have_a_web_address(editor_client, content):
    resource = Resource.objects.get(slug="data-analysis-pandas--pandas-documentation")
    response = editor_client.post(change_url(resource), form_data(resource, url="not a link"))
    assert response.status_code == HTTPStatus.OK
    assert "Enter a valid URL." in response.text


def test_editing_a_resource_bumps_the_content_version(editor_client, content):
    resource = Resource.objects.get(slug="data-analysis-pandas--pandas-documentation")
    before = ContentVersion.current().number
    response = editor_client.post(
        change_url(resource), form_data(resource, title="The pandas user guide")
    )
    assert response.status_code == HTTPStatus.FOUND
    assert ContentVersion.current().number > before
    assert "The pandas user guide" in Client().get(resource.item.stage.get_absolute_url()).text


def test_certifications_link_their_official_page_where_it_is_known(client, content):
    text = client.get(CERTIFICATIONS).text
    aws = Certification.objects.get(slug="aws-certified-machine-learning-specialty")
    assert aws.url == "https://aws.amazon.com/certification/certified-machine-learning-specialty/"
    assert f'<a href="{aws.url}" rel="noopener noreferrer">Official certification page' in text
    google = Certification.objects.get(slug="google-professional-machine-learning-engineer")
    assert f'href="{google.url}"' in text
    ibm = Certification.objects.get(slug="ibm-ai-engineering-professional-certificate")
    assert ibm.url == ""
    ibm_entry = text[text.index(f'id="{ibm.anchor}"') :].split("</li>", 1)[0]
    assert "Official certification page" not in ibm_entry
    assert 'href="https://www.ibm.com/"' in ibm_entry  # the provider's home page stays
