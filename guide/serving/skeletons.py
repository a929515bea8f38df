"""Pages for visitors with a session: what is shared rendered once, their own parts put in.

A reading page is the same for everyone but for a few marked parts: the account links,
pending messages, "continue where you left off". Templates mark each such part with
`{% personal "includes/….html" %}`; its template reads nothing but the request's own
context (the context processors), never the view's.

The first time a reading page is rendered for a content version, `reader_page` keeps its
skeleton in the shared cache: the page cut at each personal part. Every later visitor with
a session gets the skeleton with their own parts rendered into it, without the view
running or the content being read again. The skeleton is keyed like a cached page (the
address, the region asked for, the content version, the release), so it is never stale.
Editors see drafts: their pages are always rendered whole.

`tests/test_personal.py` holds the contract: on every reading page, the skeleton is the
same for an anonymous reader, a guest and a signed-in learner, and a page built from it
is the page the view renders.

The roadmap and the stage pages show the learner's ticks all over: their skeleton is shared
by the learners whose ticks are the same (`reader_page(shows=...)` says what else keys
it), and kept for an hour, long enough for a learner's next visits. Within them,
`{% shared "name" key… %}` marks a part that is the same for every learner whose keys are
the same (a stage's checklist, keyed on which of its items are done): it is rendered once
per content version and kept, so a learner's first visit after a tick renders little.

No CSRF token is ever kept: while a skeleton or a shared part is rendered, forms get a
slot (`TOKEN_SLOT`), and each page sent gets its visitor's own token in it.
"""

import hashlib
import logging
import re
import secrets

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.context import make_context
from django.template.loader import get_template
from django.utils.functional import SimpleLazyObject

from guide.serving import kept

logger = logging.getLogger(__name__)

# Marks around each personal part while a skeleton is being cut; random per process, so
# no content can forge one (skeletons are stored already cut, never with marks).
MARK = f"personal-{secrets.token_hex(8)}"
PART = re.compile(rf"<!--{MARK}:([\w./-]+)-->.*?<!--/{MARK}-->", re.DOTALL)
SKELETON_TIMEOUT = kept.TIMEOUT  # as cached pages: older versions are never asked again
# A skeleton kept for the learners in one state (their ticks): long enough for a learner's
# next visits, short enough that the states learners have left make room.
STATE_SKELETON_TIMEOUT = 60 * 60
# What the page's own headers do not decide (the body's length, what reader_page and the
# middleware add for each visitor).
PER_RESPONSE_HEADERS = {"content-length", "set-cookie", "vary", "cache-control", "etag", "expires"}
# Where a shared part's CSRF token goes (a NUL: no text of the guide can hold one).
TOKEN_SLOT = "\x00csrf-token\x00"


def marking(request: HttpRequest) -> bool:
    return getattr(request, "personal_marks", False)


def mark(template_name: str, html: str) -> str:
    return f"<!--{MARK}:{template_name}-->{html}<!--/{MARK}-->"


def cut(body: str) -> tuple[str, list[str]]:
    """The page without marks (to send), and its skeleton: the text between personal
    parts, alternating with the parts' template names."""
    skeleton: list[str] = []
    position = 0
    for match in PART.finditer(body):
        skeleton += [body[position : match.start()], match.group(1)]
        position = match.end()
    skeleton.append(body[position:])
    if len(skeleton) == 1:
        return body, skeleton
    unmarked = re.sub(rf"<!--/?{MARK}(?::[\w./-]+)?-->", "", body)
    return unmarked, skeleton


def fill(request: HttpRequest, skeleton: list[str]) -> str:
    """The page for this visitor: the skeleton with their own parts rendered in (in one
    context: the context processors run once)."""
    parts = [get_template(name).template for name in skeleton[1::2]]
    if not parts:
        return skeleton[0]
    context = make_context({"csrf_token": SimpleLazyObject(lambda: token(request))}, request)
    pieces = skeleton[:]
    with context.bind_template(parts[0]):
        for index, part in enumerate(parts):
            pieces[2 * index + 1] = part.render(context)
    return "".join(pieces)


def skeleton_key(page_key: str, state: str | None = None) -> str:
    """Where a page's skeleton is kept; `state`: what else the skeleton depends on (the
    learner's ticks), hashed into the key."""
    if state is None:
        return f"{page_key}:skeleton"
    return f"{page_key}:skeleton:{hashlib.sha256(state.encode()).hexdigest()[:32]}"


def token(request: HttpRequest) -> str:
    """This visitor's CSRF token, masked once per response for every form of the page, as
    Django's own `csrf_token` does within one template (masking costs about 60 µs: a
    page with its personal parts would otherwise mask it twice)."""
    secret_and_token = getattr(request, "_page_token", None)
    if secret_and_token is None or secret_and_token[0] != request.META.get("CSRF_COOKIE"):
        masked = get_token(request)  # sets the secret when the visitor had none
        secret_and_token = request._page_token = (request.META["CSRF_COOKIE"], masked)
    return secret_and_token[1]  # a new secret (log-in rotates it) was masked anew above


def with_token(request: HttpRequest, html: str) -> str:
    """The page with this visitor's own CSRF token in each slot."""
    if TOKEN_SLOT not in html:
        return html
    return html.replace(TOKEN_SLOT, token(request))


def from_skeleton(request: HttpRequest, key: str) -> HttpResponse | None:
    """The page built from its kept skeleton, or None when there is none yet."""
    try:
        skeleton = kept.recall(key)
    except Exception:
        logger.warning("page cache unavailable: rendering the page")
        return None
    if skeleton is None:
        return None
    response = HttpResponse(with_token(request, fill(request, skeleton["skeleton"])))
    for name, value in skeleton["headers"]:
        response[name] = value
    return response


def keep_skeleton(
    request: HttpRequest, response: HttpResponse, key: str | None, timeout: int
) -> None:
    """Take the marks out of a rendered page, put the visitor's token in its slots, and keep
    its skeleton under `key` (if any) for `timeout` seconds."""
    if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
        return
    unmarked, skeleton = cut(response.content.decode(response.charset))
    response.content = with_token(request, unmarked)
    if key is None or response.status_code != 200:
        return
    try:
        headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in PER_RESPONSE_HEADERS
        ]
        kept.keep(key, {"skeleton": skeleton, "headers": headers}, timeout)
    except Exception:
        logger.warning("page cache unavailable: skeleton not kept")
