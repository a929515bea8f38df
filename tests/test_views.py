from http import HTTPStatus

import pytest
from django.db import models
from django.urls import reverse

from guide.models import RoadmapStage
from guide.models.content import RoadmapStageQuerySet
from tests.factories import (
    CAREER,
    CERTIFICATIONS,
    CHANGES,
    DEEP_LEARNING_STAGE,
    HOME,
    PROJECTS,
    ROADMAP,
    SALARIES,
    SKILLS,
    clear_guide,
    site_urls,
)

# Reading pages and some of their filtered variants.
READING_PAGES = [
    HOME,
    ROADMAP,
    SKILLS,
    f"{SKILLS}?category=mlops&stage=6&q=docker",
    PROJECTS,
    f"{PROJECTS}?area=deep-learning",
    CAREER,
    f"{CAREER}?years=5",
    SALARIES,
    f"{SALARIES}?level=senior-level",
    CERTIFICATIONS,
    f"{CERTIFICATIONS}?provider=aws&q=aws",
    CHANGES,
    reverse("guide:section", args=["essential-skills"]),
    reverse("guide:section", args=["career-roadmap"]),
    DEEP_LEARNING_STAGE,
]

KEY_CONTENT = {
    HOME: ["The roadmap at a glance", "Stage 6", "Contents"],
    ROADMAP: ["Learn Programming Fundamentals", "Focus on:", "Model serving"],
    SKILLS: ["Important Python libraries include:", "XGBoost", "Kubernetes"],
    PROJECTS: ["Fraud Detection System", "Classification &amp; Analytics"],
    CAREER: ["Junior Machine Learning Engineer", "0–2 years", "12+ years"],
    SALARIES: ["Entry-Level", "$80,000 – $120,000", "$250,000 – $500,000+"],
    CERTIFICATIONS: ["Azure AI Engineer Associate", "DeepLearning.AI"],
    reverse("guide:section", args=["what-does-a-machine-learning-engineer-do"]): [
        "Data Collection and Preparation",
        "Data drift",
        "Cloud architects",
    ],
    reverse("guide:stage", args=["build-real-world-projects"]): [
        "Stage 5",
        "Predictive Maintenance System",
        "Industrial AI",
    ],
}


@pytest.mark.parametrize(("url", "texts"), KEY_CONTENT.items())
def test_pages_show_their_key_content(client, content, url, texts):
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    for text in texts:
        assert text in response.text


def test_section_has_breadcrumbs_and_neighbours(client, content):
    response = client.get(reverse("guide:section", args=["essential-skills"]))
    assert 'aria-label="Breadcrumb"' in response.text
    assert 'rel="prev" href="/guide/what-does-a-machine-learning-engineer-do/"' in response.text
    assert 'rel="next" href="/guide/career-roadmap/"' in response.text


def test_first_and_last_sections_have_one_neighbour(client, content):
    first = client.get(reverse("guide:section", args=["introduction"]))
    last = client.get(reverse("guide:section", args=["conclusion"]))
    assert 'rel="prev"' not in first.text and 'rel="next"' in first.text
    assert 'rel="prev"' in last.text and 'rel="next"' not in last.text


def test_stage_page_lists_items_and_skills(client, content):
    response = client.get(reverse("guide:stage", args=["develop-data-analysis-skills"]))
    assert "Stage 2" in response.text
    for text in ("Pandas", "NumPy", "SQL", "Skills this stage teaches"):
        assert text in response.text
    assert 'href="/roadmap/learn-programming-fundamentals/"' in response.text


@pytest.mark.parametrize("name", ["guide:roadmap", "guide:home"])
def test_the_six_stages_are_listed_in_order(client, content, name):
    # Create the stages in reverse so that the database's own order is the wrong one.
    stages = list(RoadmapStage.objects.values_list("pk", flat=True))
    RoadmapStage.objects.filter(pk__in=stages).update(number=models.F("number") + 100)
    for offset, pk in enumerate(reversed(stages)):
        RoadmapStage.objects.filter(pk=pk).update(number=6 - offset)
    response = client.get(reverse(name))
    positions = [response.text.index(f"Stage {n}</span>") for n in range(1, 7)]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    "url",
    [
        "/guide/no-such-section/",
        "/roadmap/no-such-stage/",
        "/no-such-page/",
        "/guide/",
    ],
)
def test_unknown_addresses_are_404_in_the_site_look(client, content, url):
    response = client.get(url)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_pages_answer_head_but_not_post(client, content):
    assert client.head(SKILLS).status_code == HTTPStatus.OK
    assert client.post(SKILLS).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_empty_database_still_renders(client, db):
    clear_guide()
    assert client.get(HOME).status_code == HTTPStatus.OK
    assert client.get(ROADMAP).status_code == HTTPStatus.OK
    assert client.get(PROJECTS).status_code == HTTPStatus.OK


@pytest.mark.parametrize("url", READING_PAGES)
def test_reading_pages_carry_no_per_request_state(client, content, url):
    response = client.get(url)
    assert response.cookies == {}
    assert "Set-Cookie" not in response.headers
    assert "csrfmiddlewaretoken" not in response.text
    assert "nonce" not in response.text
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "nonce-" not in csp


def test_pages_have_no_inline_script_or_style(client, content):
    for url in [*READING_PAGES, *site_urls()]:
        text = client.get(url).text
        assert "style=" not in text
        assert "hx-on" not in text
        assert "<style" not in text
        for tag in text.split("<script")[1:]:
            attributes = tag.split(">")[0]
            # Code comes from files; the only inline blocks are JSON-LD data, never run.
            assert attributes.count("src=") == 1 or attributes == ' type="application/ld+json"'


def test_htmx_is_configured_for_our_csp(client, content):
    text = client.get(HOME).text
    assert '"includeIndicatorStyles": false' in text
    assert '"historyRestoreAsHxRequest": false' in text
    assert "django_htmx/htmx-2.min.js" in text


def test_server_error_page_is_plain_and_friendly(client, content, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(RoadmapStageQuerySet, "with_items", explode)
    client.raise_request_exception = False
    response = client.get(ROADMAP)
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text
