"""The site's template tags and filters: Markdown, JSON-LD, draft badges, and the
`{% personal %}` and `{% shared %}` parts of pages built from skeletons
(guide.serving.skeletons)."""

import hashlib
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from guide.serving.kept import per_version
from guide.serving.skeletons import TOKEN_SLOT, mark, marking
from guide.text import render_markdown

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


class PersonalNode(template.Node):
    def __init__(self, template_name: str):
        self.template_name = template_name

    def render(self, context) -> str:
        engine_template = context.template.engine.get_template(self.template_name)
        with context.push():
            html = engine_template.render(context)
        request = context.get("request")
        return mark(self.template_name, html) if request and marking(request) else html


class SharedNode(template.Node):
    """A part rendered once per content version for each set of keys (`per_version`).

    Django's `{% cache %}` does not serve here: it would keep the first learner's CSRF
    token inside the part and send it to every other learner (a form here needs the
    visitor's own, put into `TOKEN_SLOT` as each page is sent); its key would not name the
    content version and the release unless every use passed them; and each hit would read
    the shared cache, where `per_version` answers from this process's memory first.
    """

    def __init__(self, nodelist, keys):
        self.nodelist = nodelist
        self.keys = keys

    def render(self, context) -> str:
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        values = [context.get("show_drafts", False), *(key.resolve(context) for key in self.keys)]
        digest = hashlib.sha256("\n".join(map(str, values)).encode()).hexdigest()
        html = per_version(request, f"shared:{digest}", lambda: self.render_without_token(context))
        if TOKEN_SLOT in html:
            html = html.replace(TOKEN_SLOT, str(context.get("csrf_token", "")))
        return mark_safe(html)  # noqa: S308 - rendered by the template engine

    def render_without_token(self, context) -> str:
        with context.push(csrf_token=TOKEN_SLOT):
            return self.nodelist.render(context)


@register.tag
def personal(parser, token):
    """`{% personal "includes/x.html" %}`: a part of a reading page that is the visitor's
    own (guide.serving.skeletons). Its template may read only the request's context."""
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Use {% personal "template name" %}.')
    return PersonalNode(bits[1][1:-1])


@register.tag
def shared(parser, token):
    """`{% shared "name" key… %}…{% endshared %}`: a part of a learner's page rendered once
    per content version for every learner whose keys are the same (guide.serving.skeletons)."""
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
