import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from guide.markdown import render_markdown

register = template.Library()

# As django.utils.html.json_script: "</script>" or "<!--" in the data cannot end the block.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text or "")


@register.filter
def ld_json(data: dict):
    """A JSON-LD block: data for search engines, nothing a browser runs."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


DRAFT_BADGE = mark_safe(' <span class="draft-badge">Draft</span>')  # noqa: S308 - constant


@register.filter
def draft_badge(row) -> str:
    """The "Draft" badge after an unpublished row's name (editors alone see drafts)."""
    return "" if row.published else DRAFT_BADGE


@register.filter
def placed(messages, place: str = "") -> list:
    """The pending messages meant for the element with the id `place`, shown next to what
    they are about; without a place, the messages meant for the top of the page."""
    return [message for message in messages if message.extra_tags == place]
