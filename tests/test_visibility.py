"""Readers never see a draft, whatever was imported first.

Every module of the project is imported before anything is unpublished (as a preloading
server, a management command or an earlier test would), then one row of each kind is
unpublished and every page, filter, search, form, confirmation page, count, export and
error page is read as an anonymous reader and as a signed-in learner.
"""

import csv
import importlib
import io
import json
import pkgutil
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

import config
import guide
from guide import progress as rules
from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    Completion,
    ContentVersion,
    PortfolioProject,
    Resource,
    RoadmapStage,
    Section,
    Skill,
)
from tests.factories import site_urls, tick


def import_every_module() -> list[str]:
    names = []
    for package in (config, guide):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)
            names.append(module.name)
    return names


IMPORTED = import_every_module()

# One row of each kind, and text that only that row (or a row inside it) puts on a page.
DRAFTS = {
    Section: "common-challenges",
    RoadmapStage: "learn-deep-learning",
    ChecklistItem: "mlops-model-serving",
    Resource: "mlops-docker-containers--docker-documentation",
    Skill: "xgboost",
    PortfolioProject: "predictive-maintenance-system",
    CareerLevel: "lead-machine-learning-engineer",
    Certification: "azure-ai-engineer-associate",
}
SECRETS = [
    "Common Challenges in the Career Path",  # the section
    "Learn Deep Learning",  # the stage (renamed below: the new title starts the same)
    "Sentiment analysis",  # an item of the draft stage
    "Model serving",  # the item
    "mlflow.org",  # the item's resource
    "docs.docker.com",  # the resource
    "XGBoost",  # the skill
    "Industrial AI",  # the project's skill area, shown through its checklist item too
    "project-predictive-maintenance-system",  # the project's anchor and links
    "Lead Machine Learning Engineer",  # the career level
    "Azure AI Engineer Associate",  # the certification
    "learn.microsoft.com",  # the certification's official page
    "A note on a draft stage",  # the learner's note on the draft stage
]
DRAFT_STAGE_TITLE = "Learn Deep Learning, reworked"

# Pages whose forms, filters, searches and counts could let a draft through.
READING = [
    "/skills/?category=programming",
    "/skills/?stage=3",
    "/skills/?q=boost",
    "/projects/?area=mlops",
    "/career/?years=9",
    "/certifications/?provider=microsoft-azure",
    "/certifications/?q=azure",
    "/progress/",
    "/progress/reset/",
    "/no-such-page/",
    "/skills/?stage=abc",  # a 400 page, with the form
    # Searches in lower case: the page repeats the query, never a draft's own casing.
    *(f"/search/?q={secret.lower()}" for secret in SECRETS if secret[0].isupper()),
    "/search/?q=predictive+maintenance",
]
EXPORTS = [reverse("guide:export-json"), reverse("guide:export-csv")]


def test_every_module_was_imported_first():
    assert {"guide.forms", "guide.views.pages", "guide.search", "config.urls"} <= set(IMPORTED)


@pytest.fixture(params=["anonymous", "learner"])
def reader(request, content):
    """A cookieless reader, or Ada signed in with ticks and notes: the drafts' among them."""
    client = Client()
    if request.param == "learner":
        ada = request.getfixturevalue("ada")
        client.force_login(ada)
        for slug in [
            "programming-functions",
            "mlops-model-serving",
            "deep-learning-sentiment-analysis",
        ]:
            tick(client, slug)
        rules.save_note(user=ada, stage=stage("learn-deep-learning"), text=SECRETS[-1])
        rules.save_note(user=ada, stage=stage("learn-programming-fundamentals"), text="Mine")
        assert Completion.objects.filter(user=ada).count() == 3
    return client


def stage(slug: str) -> RoadmapStage:
    return RoadmapStage.objects.get(slug=slug)


def everything(client) -> dict[str, str]:
    """Every page and export a reader can reach, by address."""
    urls = [*site_urls(), *READING, *EXPORTS]
    pages = {url: client.get(url) for url in urls}
    pages |= {
        f"{url} (htmx)": client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
        for url in READING
        if "?" in url
    }
    pages["/search/ (header)"] = client.get(
        "/search/?q=learning", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="site-search-results"
    )
    assert {page.status_code for page in pages.values()} <= {200, 400, 404}
    # Highlighting splits a title into pieces: look at the text as well as the markup.
    return {
        url: f"{page.content.decode()} {strip_tags(page.content.decode())}"
        for url, page in pages.items()
    }


def unpublish_one_of_each_kind() -> None:
    for model, slug in DRAFTS.items():
        assert model.objects.filter(slug=slug).update(published=False) == 1
    RoadmapStage.objects.filter(slug="learn-deep-learning").update(title=DRAFT_STAGE_TITLE)
    ContentVersion.bump()  # as every save in the admin does: cached pages are left behind


def test_no_page_shows_or_counts_a_draft(reader):
    before = " ".join(everything(reader).values())
    unseen = [secret for secret in SECRETS if secret not in before]
    # Each draft shows before it is one (the note only to its author), so the test can fail.
    assert unseen in ([], [SECRETS[-1]])

    unpublish_one_of_each_kind()
    pages = everything(reader)
    leaks = {(url, secret) for url, text in pages.items() for secret in SECRETS if secret in text}
    assert leaks == set()
    assert all("Editor view" not in text and "draft-badge" not in text for text in pages.values())

    # Counts leave the drafts out: 28 items less stage 4's 4 and "Model serving".
    assert "of 23 items done" in pages["/roadmap/"]
    glance = re.search(
        r"Learn Deployment and MLOps</a>\s*<span class=\"meta\">(\d+) items", pages["/"]
    )
    assert glance and glance.group(1) == "4"
    assert "33 skills" in pages["/skills/"]
    assert "5 projects" in pages["/projects/"]
    assert "5 career levels" in pages["/career/"]
    assert "4 certifications" in pages["/certifications/"]
    assert "No results found" in pages["/search/?q=xgboost"]


def test_exports_leave_out_drafts_and_notes_on_them(reader):
    unpublish_one_of_each_kind()
    document = json.loads(reader.get(reverse("guide:export-json")).content)
    rows = list(csv.DictReader(io.StringIO(reader.get(reverse("guide:export-csv")).text)))
    if document["account"] is None:
        assert document["completed_items"] == [] and document["notes"] == [] and rows == []
        return
    assert [row["item"] for row in document["completed_items"]] == ["programming-functions"]
    assert [row["item"] for row in rows] == ["programming-functions"]
    assert document["notes"] == [
        {"stage": 1, "stage_title": "Learn Programming Fundamentals", "text": "Mine"}
    ]


def test_drafts_own_addresses_answer_404(reader):
    unpublish_one_of_each_kind()
    assert reader.get("/guide/common-challenges/").status_code == HTTPStatus.NOT_FOUND
    assert reader.get("/roadmap/learn-deep-learning/").status_code == HTTPStatus.NOT_FOUND
    assert tick(reader, "mlops-model-serving").status_code == HTTPStatus.NOT_FOUND
    ticked = reader.post(reverse("guide:tick-stage", args=["learn-deep-learning"]), {"done": "1"})
    assert ticked.status_code == HTTPStatus.NOT_FOUND
    # Asking to reset a draft stage, or filtering by a draft, is a bad request: no title shown.
    for url in [
        "/progress/reset/?stage=learn-deep-learning",
        "/skills/?stage=4",
        "/projects/?skill=xgboost",
        "/career/?years=9&q=x",
    ]:
        response = reader.get(url)
        assert response.status_code in (HTTPStatus.BAD_REQUEST, HTTPStatus.OK), url
        assert not any(secret in response.text for secret in SECRETS), url
    assert reader.get("/progress/reset/?stage=learn-deep-learning").status_code == 400
    assert reader.get("/skills/?stage=4").status_code == 400
    assert reader.get("/projects/?skill=xgboost").status_code == 400
    response = reader.post(reverse("guide:reset-progress"), {"stage": "learn-deep-learning"})
    assert response.status_code == HTTPStatus.BAD_REQUEST


def test_ticking_a_stage_leaves_its_draft_items_alone(ada_client, ada, content):
    ChecklistItem.objects.filter(slug="mlops-model-serving").update(published=False)
    ada_client.post(
        reverse("guide:tick-stage", args=["learn-deployment-and-mlops"]), {"done": "1"}
    )
    ticked = set(Completion.objects.filter(user=ada).values_list("item__slug", flat=True))
    assert len(ticked) == 4 and "mlops-model-serving" not in ticked


def test_resetting_everything_clears_ticks_on_drafts_too(ada_client, ada, content):
    for slug in ["programming-functions", "mlops-model-serving"]:
        tick(ada_client, slug)
    ChecklistItem.objects.filter(slug="mlops-model-serving").update(published=False)
    assert "This clears 1 ticked item." in ada_client.get(reverse("guide:reset-progress")).text
    ada_client.post(reverse("guide:reset-progress"))
    assert not Completion.objects.filter(user=ada).exists()
    ChecklistItem.objects.filter(slug="mlops-model-serving").update(published=True)
    assert "0 of 28 items done" in ada_client.get("/roadmap/").text


def test_an_error_before_the_middleware_shows_no_editor_view(client, editor_client, content):
    """A bad Host is refused before the user is known: nobody gets the editor's banner."""
    for visitor in (client, editor_client):
        response = visitor.get("/skills/", HTTP_HOST="evil.example")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "Bad request" in response.text
        assert "Editor view" not in response.text


def test_editors_preview_drafts_where_readers_get_404(editor_client, content):
    unpublish_one_of_each_kind()
    assert editor_client.get("/guide/common-challenges/").status_code == HTTPStatus.OK
    stage_page = editor_client.get("/roadmap/learn-deep-learning/")
    assert DRAFT_STAGE_TITLE in stage_page.text and "draft-badge" in stage_page.text
    assert "Editor view: drafts are shown here" in stage_page.text
    reset = editor_client.get("/progress/reset/?stage=learn-deep-learning")
    assert reset.status_code == HTTPStatus.OK and DRAFT_STAGE_TITLE in reset.text
    assert "XGBoost" in editor_client.get("/skills/?q=boost").text
    assert "Industrial AI" in editor_client.get("/roadmap/").text


def test_staff_with_one_permission_open_a_draft_in_the_admin(client, content):
    """The admin sees every row, whatever the visitor may see on the site."""
    Skill.objects.filter(slug="xgboost").update(published=False)
    skill = Skill.objects.get(slug="xgboost")
    clerk = get_user_model().objects.create_user("clerk", password="x" * 12, is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="change_skill"))
    client.force_login(clerk)
    response = client.get(reverse("admin:guide_skill_change", args=[skill.pk]))
    assert response.status_code == HTTPStatus.OK
    assert "XGBoost" in response.text
    assert client.get("/skills/").text.count("XGBoost") == 0
