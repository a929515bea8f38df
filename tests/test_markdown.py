import re
import uuid
from http import HTTPStatus

import pytest
from django.db import models
from django.template import engines
from django.test import Client
from django.utils.html import strip_tags

from guide import text as guide_markdown
from guide.admin import PLAIN_TEXT_NOTE, is_plain_text
from guide.models import ChecklistItem, ListItem, SearchEntry, Skill
from guide.text import plain_text, render_markdown
from tests.factories import MODELS, change_url, form_data


def test_markdown_formatting_is_kept():
    html = render_markdown("Some **bold**, a [link](https://example.org) and\n\n- a\n- b")
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in html
    assert "<ul>\n<li>a</li>" in html


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ("<script>alert(1)</script>", "alert(1)"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ('<p onclick="steal()">x</p>', "onclick"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<iframe src=https://evil.example></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "<style"),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
    ],
)
def test_markdown_cannot_inject_script(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_plain_text_is_escaped():
    assert render_markdown("1 < 2 & 3 > 2") == "<p>1 &lt; 2 &amp; 3 &gt; 2</p>"


def test_template_filter_renders_and_handles_empty_text():
    template = engines["django"].from_string("{% load guide_tags %}[{{ text|markdown }}]")
    assert template.render({"text": "*hi*"}) == "[<p><em>hi</em></p>]"
    assert template.render({"text": ""}) == "[]"
    assert template.render({}) == "[]"


# What editors save in a description, and what readers must see of it.
RICH = (
    "Packages an app into **portable containers**; see [the docs](https://docs.docker.com/)."
    "\n\n- build\n- ship"
)
RICH_HTML = [
    "<strong>portable containers</strong>",
    '<a href="https://docs.docker.com/" rel="noopener noreferrer">the docs</a>',
    "<li>build</li>",
]
RICH_PLAIN = "Packages an app into portable containers; see the docs. build ship"


def text_fields(model) -> dict[str, models.Field]:
    return {
        field.name: field
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField) or is_plain_text(field)
    }


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_text_box_is_markdown_and_every_other_text_is_one_plain_line(model):
    for name, field in text_fields(model).items():
        if name in model.markdown_fields:
            assert isinstance(field, models.TextField), name
            assert "Markdown" in field.help_text, name
        else:
            assert type(field) is models.CharField, name


def test_the_admin_says_which_fields_take_markdown(editor_client, content):
    skill = Skill.objects.get(slug="docker")
    page = editor_client.get(change_url(skill)).text
    assert re.search(r'<textarea name="description"[^>]*>', page)
    assert re.search(r'<input type="text" name="name"[^>]*>', page)
    assert re.search(r'<input type="text" name="group"[^>]*>', page)
    helps = re.findall(r'<div class="help"[^>]*>\s*<div>(.*?)</div>', page, re.S)
    assert helps.count(PLAIN_TEXT_NOTE) == 1  # name
    assert any(text.endswith(PLAIN_TEXT_NOTE) and "introduces" in text for text in helps)
    assert "in Markdown" in " ".join(helps)
    assert "Preview (after saving)" in page


@pytest.mark.parametrize(
    ("model", "slug", "url"),
    [
        (Skill, "docker", "/skills/"),
        (ChecklistItem, "mlops-docker-containers", "/roadmap/learn-deployment-and-mlops/"),
        (ChecklistItem, "mlops-docker-containers", "/roadmap/"),
        (ListItem, "application-fraud-detection-platforms", None),
    ],
)
def test_descriptions_render_as_markdown_where_readers_see_them(
    editor_client, content, model, slug, url
):
    row = model.objects.get(slug=slug)
    response = editor_client.post(change_url(row), form_data(row, description=RICH))
    assert response.status_code == HTTPStatus.FOUND
    page = Client().get(url or row.get_absolute_url().split("#")[0]).text
    for html in RICH_HTML:
        assert html in page
    assert "**portable containers**" not in page
    assert "[the docs]" not in page
    preview = editor_client.get(change_url(row)).text
    assert '<div class="markdown-preview"><p>Packages an app into <strong>' in preview


def test_lists_filters_search_and_descriptions_stay_plain_text(editor_client, content):
    skill = Skill.objects.get(slug="docker")
    editor_client.post(change_url(skill), form_data(skill, description=RICH))
    reader = Client()
    results = reader.get("/search/", {"q": "portable containers"}).text
    assert "<mark>portable</mark> <mark>containers</mark>; see the docs. build ship" in results
    assert "**" not in results
    assert "docs.docker.com" not in strip_tags(results)
    assert SearchEntry.objects.get(url=skill.get_absolute_url()).body.startswith(RICH_PLAIN)
    assert plain_text(RICH) == RICH_PLAIN


def test_a_text_is_rendered_once_not_per_request(editor_client, content, monkeypatch):
    calls = []
    real = guide_markdown.markdown.markdown
    monkeypatch.setattr(
        guide_markdown.markdown, "markdown", lambda *a, **k: calls.append(a) or real(*a, **k)
    )
    skill = Skill.objects.get(slug="docker")
    unique = f"Once only: **{uuid.uuid4().hex}**"
    editor_client.post(change_url(skill), form_data(skill, description=unique))
    calls.clear()
    editor_client.get("/skills/")  # an editor's page is never served from the page cache
    assert (unique,) in calls
    calls.clear()
    editor_client.get("/skills/")
    assert calls == []
