from http import HTTPStatus

import pytest
from django.db import models
from django.urls import resolve, reverse

from guide.models import RoadmapStage
from guide.models.content import RoadmapStageQuerySet
from tests.factories import (
    MOST_QUERIES,
    ROADMAP_READ,
    SESSION,
    VERSION,
    add_more_content,
    clear_guide,
    edit_every_kind,
    site_urls,
    tick_stage,
)

HOME = reverse("guide:home")
ROADMAP = reverse("guide:roadmap")
SKILLS = reverse("guide:skills")
PROJECTS = reverse("guide:projects")
CAREER = reverse("guide:career")
SALARIES = reverse("guide:salaries")
CERTIFICATIONS = reverse("guide:certifications")
CHANGES = reverse("guide:changes")


def section(slug: str) -> str:
    return reverse("guide:section", args=[slug])


def stage(slug: str) -> str:
    return reverse("guide:stage", args=[slug])


# The SQL queries each reading page makes for a reader without a session, with nothing
# kept, whatever the amount of content: every reading page of the guide and its filtered
# variants. Each reads the content version (VERSION). Rows of several kinds, figures (a
# count) and the date of what the page shows ("Last updated", from the history records)
# are read in one query (guide.together), and so are the rows a queryset prefetches
# (a stage's items, a skill's stages).
# Filters cost no query of their own: the chosen rows are among the choices.
QUERY_BUDGETS = {
    # Sections, structured data (the occupation's skills and salary bands), stages with
    # their item counts, the projects counted, the date: together.
    HOME: 1 + VERSION,
    ROADMAP: ROADMAP_READ + 1 + VERSION,  # and its section's text with the date
    # The choices with the section's text and the date, the skills with their categories
    # and stages.
    SKILLS: 2 + VERSION,
    f"{SKILLS}?category=mlops": 2 + VERSION,
    f"{SKILLS}?stage=4": 2 + VERSION,
    f"{SKILLS}?category=mlops&stage=6&q=docker": 2 + VERSION,
    # The choices with the projects' stage and the date, the projects with their skills.
    PROJECTS: 2 + VERSION,
    f"{PROJECTS}?skill=convolutional-neural-networks": 2 + VERSION,
    f"{PROJECTS}?area=deep-learning": 2 + VERSION,
    CAREER: 2 + VERSION,  # the choices with the section's text and the date, the levels
    f"{CAREER}?years=5": 2 + VERSION,
    SALARIES: 2 + VERSION,  # the same, then the bands (with the chart's axis)
    f"{SALARIES}?level=senior-level": 2 + VERSION,
    # The same, then the certifications with their providers.
    CERTIFICATIONS: 2 + VERSION,
    f"{CERTIFICATIONS}?provider=aws": 2 + VERSION,
    f"{CERTIFICATIONS}?provider=aws&q=aws": 2 + VERSION,
    CHANGES: 2 + VERSION,  # the history records, then the rows they name, every kind at once
    # The sections, the section's lists with their items and the date together, then what
    # its feature shows.
    section("introduction"): 1 + VERSION,
    section("what-is-a-machine-learning-engineer"): 1 + VERSION,
    section("why-machine-learning-engineering-is-in-demand"): 1 + VERSION,
    section("what-does-a-machine-learning-engineer-do"): 1 + VERSION,
    section("essential-skills"): 1 + 1 + VERSION,  # the skills with their stages
    section("career-roadmap"): 1 + ROADMAP_READ + VERSION,  # the stages with their items
    section("career-progression"): 1 + 1 + VERSION,
    section("salary-expectations"): 1 + 1 + VERSION,
    section("certifications"): 1 + 1 + VERSION,
    section("common-challenges"): 1 + VERSION,
    section("future-outlook"): 1 + VERSION,
    section("conclusion"): 1 + VERSION,
    # The roadmap, and the skills the stage teaches with the date.
    **{
        stage(slug): ROADMAP_READ + 1 + VERSION
        for slug in [
            "learn-programming-fundamentals",
            "develop-data-analysis-skills",
            "master-machine-learning-concepts",
            "learn-deep-learning",
            "build-real-world-projects",
            "learn-deployment-and-mlops",
        ]
    },
}
# What a visitor with a session adds: their session (SESSION: none while the shared cache
# keeps it), a signed-in learner's user row; on the pages that show their progress (the
# roadmap and its stages), their ticks; on the home page, where they left off (the roadmap
# and their ticks). Every page stays within MOST_QUERIES for each of them.
TICKS = 1
LEARNER_QUERIES = {"guest": SESSION, "learner": SESSION + 1}

KEY_CONTENT = {
    reverse("guide:home"): ["The roadmap at a glance", "Stage 6", "Contents"],
    reverse("guide:roadmap"): ["Learn Programming Fundamentals", "Focus on:", "Model serving"],
    reverse("guide:skills"): ["Important Python libraries include:", "XGBoost", "Kubernetes"],
    reverse("guide:projects"): ["Fraud Detection System", "Classification &amp; Analytics"],
    reverse("guide:career"): ["Junior Machine Learning Engineer", "0–2 years", "12+ years"],
    reverse("guide:salaries"): ["Entry-Level", "$80,000 – $120,000", "$250,000 – $500,000+"],
    reverse("guide:certifications"): ["Azure AI Engineer Associate", "DeepLearning.AI"],
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


def test_every_reading_page_has_a_budget_within_the_limit(content):
    assert set(site_urls()) <= set(QUERY_BUDGETS)
    assert max(QUERY_BUDGETS.values()) <= MOST_QUERIES
    for who in LEARNER_QUERIES:
        budgets = [learner_budget(url, budget, who) for url, budget in QUERY_BUDGETS.items()]
        assert max(budgets) <= MOST_QUERIES, who


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS.items())
def test_query_budget(client, content, django_assert_num_queries, url, budget):
    edit_every_kind()  # a history for /changes/ to list and link
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS.items())
def test_query_budget_does_not_grow_with_content(
    client, content, django_assert_num_queries, url, budget
):
    edit_every_kind()
    add_more_content()
    with django_assert_num_queries(budget):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def learner_budget(url: str, budget: int, who: str) -> int:
    extra = LEARNER_QUERIES[who]
    if url == HOME:
        extra += ROADMAP_READ + TICKS
    elif resolve(url.partition("?")[0]).url_name in {"roadmap", "stage"}:
        extra += TICKS
    return budget + extra


@pytest.mark.parametrize("who", LEARNER_QUERIES)
@pytest.mark.parametrize(("url", "budget"), QUERY_BUDGETS.items())
def test_query_budget_for_guests_and_learners(
    client, ada, content, django_assert_num_queries, url, budget, who
):
    if who == "guest":
        tick = client.post(reverse("guide:tick-item", args=["programming-apis"]), {"done": "1"})
        assert tick.status_code == HTTPStatus.FOUND
    else:
        client.force_login(ada)
        tick_stage(ada, 1)
    client.get(HOME)  # the tick's message shown, the day's session renewal done
    edit_every_kind()  # an edit: nothing is kept for the new content version yet
    with django_assert_num_queries(learner_budget(url, budget, who)):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    add_more_content()
    with django_assert_num_queries(learner_budget(url, budget, who)):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


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
    assert client.head(reverse("guide:skills")).status_code == HTTPStatus.OK
    assert client.post(reverse("guide:skills")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_empty_database_still_renders(client, db):
    clear_guide()
    assert client.get(reverse("guide:home")).status_code == HTTPStatus.OK
    assert client.get(reverse("guide:roadmap")).status_code == HTTPStatus.OK
    assert client.get(reverse("guide:projects")).status_code == HTTPStatus.OK


@pytest.mark.parametrize("url", list(QUERY_BUDGETS))
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
    for url in QUERY_BUDGETS:
        text = client.get(url).text
        assert "style=" not in text
        assert "hx-on" not in text
        assert "<style" not in text
        for tag in text.split("<script")[1:]:
            attributes = tag.split(">")[0]
            # Code comes from files; the only inline blocks are JSON-LD data, never run.
            assert attributes.count("src=") == 1 or attributes == ' type="application/ld+json"'


def test_htmx_is_configured_for_our_csp(client, content):
    text = client.get(reverse("guide:home")).text
    assert '"includeIndicatorStyles": false' in text
    assert '"historyRestoreAsHxRequest": false' in text
    assert "django_htmx/htmx-2.min.js" in text


def test_server_error_page_is_plain_and_friendly(client, content, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(RoadmapStageQuerySet, "with_items", explode)
    client.raise_request_exception = False
    response = client.get(reverse("guide:roadmap"))
    assert response.status_code == HTTPStatus.INTERNAL_SERVER_ERROR
    assert "Something went wrong" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text
