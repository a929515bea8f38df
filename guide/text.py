"""Text: editor-written Markdown and the words of a query.

Markdown has one way to become HTML (sanitised with nh3, so it can never carry script)
and one way to become plain text (search snippets, meta descriptions).

Which fields are Markdown is said once, by each model's `markdown_fields`; every other text
field is plain text on one line.

A text is rendered once per process, then served from memory: the memo is keyed by the
text itself, so an edit is rendered on the first view after it and a page never shows
HTML of an older text, while no request renders a text that was rendered before.
"""

import html
import operator
import re
from functools import lru_cache, reduce

import markdown
import nh3
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h3", "h4",
    "h5", "h6", "hr", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto"}
# Distinct texts kept rendered: the guide holds a few hundred, ten times that when grown.
MEMO_SIZE = 16_384


@lru_cache(maxsize=MEMO_SIZE)
def render_markdown(text: str) -> SafeString:
    """The HTML of `text`, sanitised."""
    rendered = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    clean = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


@lru_cache(maxsize=MEMO_SIZE)
def plain_text(text: str) -> str:
    """The words a reader sees of `text`, without markup, on one line."""
    return " ".join(html.unescape(strip_tags(render_markdown(text or ""))).split())


def words_of(text: str) -> list[str]:
    """The distinct words of a query, lower-cased, in order."""
    return list(dict.fromkeys(re.findall(r"\w+", text.lower())))


def words_q(text: str, fields: list[str]) -> Q:
    """Rows where every word of `text` appears, case-insensitively, in one of `fields`."""
    return reduce(
        operator.and_,
        (
            reduce(operator.or_, (Q(**{f"{field}__icontains": word}) for field in fields))
            for word in words_of(text)
        ),
        Q(),
    )
