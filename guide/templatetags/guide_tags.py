import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from guide.markdown import render_markdown
from guide.personal import PersonalNode, SharedNode

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


@register.tag
def personal(parser, token):
    """`{% personal "includes/x.html" %}`: a part of a reading page that is the visitor's
    own (guide.personal). Its template may read only the request's context."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% personal "template name" %}.')
    return PersonalNode(bits[1][1:-1])


@register.tag
def shared(parser, token):
    """`{% shared "name" key… %}…{% endshared %}`: a part of a learner's page rendered once
    per content version for every learner whose keys are the same (guide.personal)."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError('Use {% shared "name" key… %}.')
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, [parser.compile_filter(bit) for bit in bits])


NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@register.filter
def in_words(number: int) -> str:
    """A count as prose writes it: words up to nine, digits above ("six", "12")."""
    return NUMBER_WORDS[number] if 0 <= number < len(NUMBER_WORDS) else str(number)


@register.filter
def placed(messages, place: str = "") -> list:
    """The pending messages meant for the element with the id `place`, shown next to what
    they are about; without a place, the messages meant for the top of the page."""
    return [message for message in messages if message.extra_tags == place]
