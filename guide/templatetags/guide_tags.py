from django import template
from django.utils.safestring import mark_safe

from guide.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str):
    return render_markdown(text or "")


DRAFT_BADGE = mark_safe(' <span class="draft-badge">Draft</span>')  # noqa: S308 - constant


@register.filter
def draft_badge(row) -> str:
    """The "Draft" badge after an unpublished row's name (editors alone see drafts)."""
    return "" if row.published else DRAFT_BADGE
