import importlib
from http import HTTPStatus

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from guide.models import ContentVersion, SearchSynonym, Skill
from guide.search import highlight, rebuild_index, search, snippet, suggestion, words_of
from tests.factories import (
    HOME,
    SEARCH,
    SKILLS,
    add_more_content,
    forget_kept,
    form_data,
    make_list,
    make_list_item,
    make_section,
    make_stage,
)


def test_words_of_a_query():
    assert words_of("  Data DRIFT, data!  ") == ["data", "drift"]
    assert words_of("<script>") == ["script"]
    assert words_of("   ") == []


def test_highlight_escapes_and_marks():
    assert highlight("Use <b>NumPy</b> & numpy", ["numpy"]) == (
        "Use &lt;b&gt;<mark>NumPy</mark>&lt;/b&gt; &amp; <mark>numpy</mark>"
    )
    assert highlight("a<b", []) == "a&lt;b"


def test_snippet_centres_on_the_match():
    text = " ".join(["filler"] * 60) + " the drift word " + " ".join(["tail"] * 60)
    extract = snippet(text, ["drift"])
    assert "<mark>drift</mark>" in extract
    assert extract.startswith("… ") and extract.endswith(" …")
    assert len(extract) < 260


def test_empty_query_finds_nothing(content):
    assert search("", drafts=False) == []
    assert search("!!!", drafts=False) == []


def test_title_matches_rank_above_body_matches(content):
    hits = search("deep learning", drafts=False)
    scores = [hit.title_score for hit in hits]
    assert scores == sorted(scores, reverse=True)
    assert strip_tags(hits[0].title) == "Deep Learning"
    assert hits[0].kind == "Skill category"
    assert 0 in scores and 1 in scores
    assert {hit.kind for hit in hits if hit.title_score} >= {"Skill category", "Roadmap stage"}


def test_an_exact_title_comes_first(content):
    hits = search("Kubernetes", drafts=False)
    assert (hits[0].kind, strip_tags(hits[0].title)) == ("Skill", "Kubernetes")
    assert "Kubernetes orchestration (stage 6)" in [strip_tags(hit.title) for hit in hits[1:]]


def test_every_kind_of_content_is_searchable(content):
    expectations = {
        "Guide section": "What Is a Machine Learning Engineer?",
        "Roadmap stage": "Learn Deep Learning",
        "Checklist item": "Object-oriented programming",
        "Skill": "XGBoost",
        "Project": "Customer Churn Predictor",
        "Certification": "Azure AI Engineer Associate",
        "Career level": "Director of AI Engineering",
        "Salary": "Mid-Level",
        "Skill category": "Mathematics and Statistics",
    }
    for kind, title in expectations.items():
        hits = search(title, drafts=False)
        assert any(hit.kind == kind and title in strip_tags(hit.title) for hit in hits), (
            kind,
            title,
        )


def test_results_link_to_the_exact_place(client, content):
    hit = next(hit for hit in search("data drift", drafts=False) if hit.kind == "Guide section")
    assert hit.url == "/guide/what-does-a-machine-learning-engineer-do/#entry-metric-data-drift"
    for hit in search("learning", drafts=False):
        path, _, anchor = hit.url.partition("#")
        page = client.get(path)
        assert page.status_code == HTTPStatus.OK, hit.url
        if anchor:
            assert f'id="{anchor}"' in page.text, hit.url


def test_prefixes_match_as_one_types(content):
    assert search("tensorf", drafts=False)[0].title == "<mark>TensorF</mark>low"
    assert any("Kubernetes" in strip_tags(hit.title) for hit in search("kubern", drafts=False))


def test_search_page_shows_labelled_highlighted_results(client, content):
    response = client.get(SEARCH, {"q": "kubernetes"})
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert '<span class="hit__kind">Skill</span>' in text
    assert "<mark>Kubernetes</mark>" in text
    assert (
        'href="/roadmap/learn-deployment-and-mlops/#item-mlops-kubernetes-orchestration"' in text
    )
    assert "results found" in text


def test_markup_in_the_query_is_shown_as_text(client, content):
    response = client.get(SEARCH, {"q": "<script>alert(1)</script>"})
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text


def test_no_results_say_so(client, content):
    response = client.get(SEARCH, {"q": "quantum basket weaving"})
    assert "Nothing in the guide matches “quantum basket weaving”" in response.text
    assert "No results found" in response.text


def test_htmx_gets_the_results_region_and_the_header_its_live_list(client, content):
    region = client.get(SEARCH, {"q": "pytorch"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results")
    assert "<html" not in region.text and 'class="hits"' in region.text
    live = client.get(
        SEARCH, {"q": "pytorch"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="site-search-results"
    )
    assert "<html" not in live.text and 'class="live__hits"' in live.text
    assert "See all results for “pytorch”" in live.text
    assert f'href="{SEARCH}?q=pytorch"' in live.text
    assert "HX-Request" in live.headers["Vary"]


def test_every_page_has_the_search_box(client, content):
    for url in [HOME, SKILLS, "/no-such-page/"]:
        text = client.get(url).text
        assert 'role="search"' in text and f'action="{SEARCH}"' in text


# The content version, the index's version, the search; a spelling suggestion when empty.
@pytest.mark.parametrize(("query", "budget"), [("learning", 3), ("zzzz", 4)])
def test_search_is_one_query_on_the_index(
    client, content, django_assert_max_num_queries, query, budget
):
    rebuild_index()
    with django_assert_max_num_queries(budget):
        client.get(SEARCH, {"q": query})
    add_more_content()  # bumps the version: the next search rebuilds the index first
    client.get(SEARCH, {"q": "warm"})
    forget_kept()
    with django_assert_max_num_queries(budget):
        client.get(SEARCH, {"q": query})


def test_an_edit_is_found_by_the_next_search(client, content):
    assert "Quantum annealing" not in client.get(SEARCH, {"q": "annealing"}).text
    make_list_item(make_list(make_section(title="Frontiers")), text="Quantum annealing")
    assert "<mark>annealing</mark>" in client.get(SEARCH, {"q": "annealing"}).text.lower()


def index_is_current() -> bool:
    state = ContentVersion.objects.get(pk=1)
    return state.indexed_version == state.version


def test_an_admin_edit_rebuilds_the_index_as_it_commits(
    editor_client, content, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    rebuild_index()
    skill = Skill.objects.get(slug="xgboost")
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            reverse("admin:guide_skill_change", args=[skill.pk]),
            form_data(skill, name="XGBoost zebrafish"),
        )
    assert response.status_code == HTTPStatus.FOUND
    assert index_is_current()
    # The reader's search only reads: the version, the index's version, the search.
    with django_assert_max_num_queries(3):
        response = Client().get(SEARCH, {"q": "zebrafish"})
    assert "<mark>zebrafish</mark>" in response.text


def test_loading_the_guide_leaves_the_index_current(content, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_guide", verbosity=0)
    assert index_is_current()
    assert search("xgboost", drafts=False)


def test_a_failed_rebuild_keeps_the_edit_and_the_next_search_rebuilds(
    content, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    rebuild_index()

    def broken() -> None:
        raise DatabaseError("disk full")

    skill = Skill.objects.get(slug="xgboost")
    skill.name = "XGBoost zebrafish"
    with monkeypatch.context() as patched:
        patched.setattr("guide.search.rebuild_index", broken)
        with django_capture_on_commit_callbacks(execute=True):
            skill.save()
    assert "disk full" in caplog.text
    assert Skill.objects.get(slug="xgboost").name == "XGBoost zebrafish"
    assert not index_is_current()
    assert "XGBoost <mark>zebrafish</mark>" in [
        hit.title for hit in search("zebrafish", drafts=False)
    ]
    assert index_is_current()


def test_drafts_are_indexed_but_never_returned_to_readers(content):
    skill = Skill.objects.get(slug="xgboost")
    skill.published = False
    skill.save()
    assert search("xgboost", drafts=False) == []
    assert [strip_tags(hit.title) for hit in search("xgboost", drafts=True)] == ["XGBoost"]


@pytest.mark.parametrize(
    ("typed", "meant"), [("pytroch", "pytorch"), ("tensorflw", "tensorflow"), ("pandsa", "pandas")]
)
def test_a_misspelt_query_gets_a_suggestion(client, content, typed, meant):
    response = client.get(SEARCH, {"q": typed})
    assert "Nothing in the guide matches" in response.text
    assert f'Did you mean <a href="/search/?q={meant}">{meant}</a>?' in response.text
    assert search(meant, drafts=False) != []


def test_stemming_forgives_a_plural_typo(content):
    # "kubernets" and "Kubernetes" share the English stem "kubernet".
    assert any("Kubernetes" in strip_tags(hit.title) for hit in search("kubernets", drafts=False))


def test_a_known_word_gets_no_suggestion(content):
    assert suggestion("pytorch") is None
    assert suggestion("zzzzqqq") is None


def test_postgresql_takes_web_search_syntax(content):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's web-search syntax only")
    with_docker = {hit.url for hit in search("deployment", drafts=False)}
    without = {hit.url for hit in search("deployment -docker", drafts=False)}
    assert without and without < with_docker
    assert search('"model deployment"', drafts=False) != []


def test_empty_search_only_reads_the_content_version(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(SEARCH)
    assert response.status_code == HTTPStatus.OK


def test_postgresql_uses_full_text_search_with_stemming(content):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's full-text search only")
    # "deploying" and "Deployment" share the stem "deploy"; a substring search misses it.
    assert any(
        "Model Deployment" in strip_tags(hit.title) for hit in search("deploying", drafts=False)
    )


def test_snippets_are_escaped_once(client, db):
    section = make_section(title="Teams", body="Fraud & Analytics teams use <b>models</b>.")
    make_list_item(make_list(section), text="Tools", description="Pandas & NumPy `<tools>`")
    stage = make_stage(items_lead="Scikit & Keras <models>")
    response = client.get(SEARCH, {"q": "fraud"})
    assert "<mark>Fraud</mark> &amp; Analytics teams use models." in response.text
    assert "&amp;amp;" not in response.text
    response = client.get(SEARCH, {"q": "pandas"})
    # Markdown code is text a reader sees: its "<tools>" is shown, escaped once.
    assert "<mark>Pandas</mark> &amp; NumPy &lt;tools&gt;" in response.text
    response = client.get(SEARCH, {"q": "keras"})
    # A plain-text field is shown as written: its "<models>" is text, escaped once.
    assert stage.title in response.text
    assert "Scikit &amp; <mark>Keras</mark> &lt;models&gt;" in response.text


def test_search_matches_only_the_text_readers_see(db):
    make_section(
        title="Hidden words",
        body="Visible text. <img src=x onerror=alert(1)> [a link](https://example.org/secretword)",
    )
    assert [hit.url for hit in search("visible", drafts=False)] != []
    assert search("onerror", drafts=False) == []
    assert search("secretword", drafts=False) == []
    assert search("img", drafts=False) == []
    assert [strip_tags(hit.title) for hit in search("link", drafts=False)] == ["Hidden words"]


@pytest.fixture
def synonyms(content):
    """The synonyms the data migration seeds (a transactional test's flush empties them)."""
    migration = importlib.import_module("guide.migrations.0011_search_synonyms")
    migration.seed_synonyms(django_apps, None)


def test_when_no_entry_holds_every_word_any_word_finds_them_marked(client, content):
    assert not any(hit.every_word for hit in search("kubernetes cost", drafts=False))
    response = client.get(SEARCH, {"q": "kubernetes cost"})
    assert response.context["some_words"] is True
    titles = [strip_tags(hit.title) for hit in response.context["hits"]]
    assert "Kubernetes" in titles
    assert "Nothing in the guide holds every word of “kubernetes cost”" in response.text
    assert "2 results with some of the words" in response.text
    live = client.get(
        SEARCH,
        {"q": "kubernetes cost"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="site-search-results",
    )
    assert "with some of the words" in live.text


def test_entries_holding_every_word_hide_those_holding_some(client, content):
    hits = search("docker containers", drafts=False)
    assert hits and all(hit.every_word for hit in hits)
    assert all("docker" in f"{hit.title} {hit.snippet}".lower() for hit in hits)
    response = client.get(SEARCH, {"q": "docker containers"})
    assert response.context["some_words"] is False
    assert "some of the words" not in response.text


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("llm", "Large language models"),
        ("LLM", "Large language models"),
        ("k8s", "Kubernetes"),
        ("cv", "Image Classification Platform"),
        ("nlp", "Natural language processing applications"),
    ],
)
def test_synonyms_and_abbreviations_find_what_the_guide_calls_them(client, synonyms, typed, found):
    hits = search(typed, drafts=False)
    assert found in [strip_tags(hit.title) for hit in hits]
    assert all(hit.every_word for hit in hits)


def test_a_synonym_highlights_what_it_stands_for(client, synonyms):
    response = client.get(SEARCH, {"q": "k8s"})
    assert "<mark>Kubernetes</mark>" in response.text


def test_an_editor_adds_a_synonym_and_the_next_search_finds_it(editor_client, synonyms):
    assert search("pyt", drafts=False)  # a prefix, for comparison
    assert search("ptl", drafts=False) == []
    response = editor_client.post(
        reverse("admin:guide_searchsynonym_add"),
        {"term": "PTL", "meanings": "PyTorch Lightning, PyTorch"},
    )
    assert response.status_code == HTTPStatus.FOUND
    synonym = SearchSynonym.objects.get(term="PTL")
    assert synonym.history.count() == 1
    history = editor_client.get(reverse("admin:guide_searchsynonym_history", args=[synonym.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "PyTorch" in [strip_tags(hit.title) for hit in search("ptl", drafts=False)]
    synonym.delete()
    assert search("ptl", drafts=False) == []


def test_a_synonym_is_one_word_with_a_meaning(editor_client, synonyms):
    response = editor_client.post(
        reverse("admin:guide_searchsynonym_add"), {"term": "CI CD", "meanings": " , "}
    )
    assert response.status_code == HTTPStatus.OK
    assert "Use one word of letters and digits" in response.text
    assert "Give at least one meaning." in response.text
    response = editor_client.post(
        reverse("admin:guide_searchsynonym_add"), {"term": "llm", "meanings": "lots"}
    )
    assert "already exists" in response.text or "unique_term" in response.text


def test_a_fallback_search_keeps_the_query_budget(client, synonyms, django_assert_max_num_queries):
    rebuild_index()
    with django_assert_max_num_queries(3):
        response = client.get(SEARCH, {"q": "kubernetes cost"})
    assert response.context["some_words"] is True
