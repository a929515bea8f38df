"""The editor banner links to the admin page of what is being read."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from guide.models import (
    CareerLevel,
    Certification,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
)


def banner_link(text: str) -> tuple[str, str]:
    (banner,) = re.findall(r'<p class="editor-banner">(.*?)</p>', text, re.S)
    (link,) = re.findall(r'<a href="([^"]+)">([^<]+)</a>', banner)
    return link


def change_page(model, slug: str) -> str:
    row = model.objects.get(slug=slug)
    return reverse(f"admin:guide_{model._meta.model_name}_change", args=[row.pk])


def changelist(model) -> str:
    return reverse(f"admin:guide_{model._meta.model_name}_changelist")


ROW_PAGES = [
    ("/", Section, "introduction", "Edit this section"),
    ("/guide/essential-skills/", Section, "essential-skills", "Edit this section"),
    (
        "/roadmap/learn-deep-learning/",
        RoadmapStage,
        "learn-deep-learning",
        "Edit this roadmap stage",
    ),
]
LIST_PAGES = [
    ("/roadmap/", RoadmapStage, "Edit the roadmap stages"),
    ("/skills/?category=programming", Skill, "Edit the skills"),
    ("/projects/", PortfolioProject, "Edit the portfolio projects"),
    ("/career/", CareerLevel, "Edit the career levels"),
    ("/salaries/", SalaryBand, "Edit the salary bands"),
    ("/certifications/", Certification, "Edit the certifications"),
]


@pytest.mark.parametrize(("url", "model", "slug", "words"), ROW_PAGES)
def test_a_reading_page_links_to_the_change_page_of_its_row(
    editor_client, content, url, model, slug, words
):
    assert banner_link(editor_client.get(url).text) == (change_page(model, slug), words)


@pytest.mark.parametrize(("url", "model", "words"), LIST_PAGES)
def test_a_list_page_links_to_the_change_list_of_its_rows(
    editor_client, content, url, model, words
):
    assert banner_link(editor_client.get(url).text) == (changelist(model), words)


def test_pages_of_no_single_kind_link_to_the_admin_index(editor_client, content):
    for url in ("/search/?q=python", "/changes/"):
        assert banner_link(editor_client.get(url).text) == (
            reverse("admin:index"),
            "Edit the guide",
        )


def test_the_linked_change_page_opens_for_the_editor(editor_client, content):
    link, _ = banner_link(editor_client.get("/roadmap/learn-deep-learning/").text)
    page = editor_client.get(link)
    assert page.status_code == 200
    assert "Learn Deep Learning" in page.text


def test_readers_get_no_banner(content):
    assert "editor-banner" not in Client().get("/roadmap/learn-deep-learning/").text
