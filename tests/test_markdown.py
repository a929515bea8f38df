import pytest
from django.template import engines

from guide.markdown import render_markdown


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
