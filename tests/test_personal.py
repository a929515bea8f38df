"""Reading pages for visitors with a session, built from the shared skeleton
(guide.serving.skeletons).

The contract: outside its `{% personal %}` parts, a reading page is the same for every
visitor but an editor, so its skeleton can be shared; a page built from the skeleton is
the page the view renders; the skeleton follows the content version. The roadmap and
stage pages show the learner's ticks: their skeleton is the same for the learners whose
ticks are the same. No skeleton holds a CSRF token.
"""

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import resolve, reverse

from guide import progress as rules
from guide.models import ContentVersion, RoadmapStage, Skill
from guide.serving.pagecache import page_key
from guide.serving.skeletons import MARK, TOKEN_SLOT, skeleton_key
from tests.factories import (
    DEEP_LEARNING_STAGE,
    HOME,
    HTMX,
    ORIGIN,
    PROJECTS,
    ROADMAP,
    SALARIES,
    SEARCH,
    SKILLS,
    forget_kept,
    site_urls,
    tick,
    tick_url,
)

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
TOKEN_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
# Reading pages whose parts are all shared but for the marked ones (the roadmap and the
# stage pages show the learner's ticks everywhere: their skeleton is keyed on them).
EXTRA_URLS = [
    SKILLS + "?category=mlops",
    PROJECTS + "?skill=convolutional-neural-networks",
    SEARCH + "?q=python",
    SALARIES + "?level=senior-level",
]


def shared_urls() -> list[str]:
    urls = [url for url in site_urls() if resolve(url).url_name not in {"roadmap", "stage"}]
    return urls + EXTRA_URLS


LEARNER_URLS = [ROADMAP, DEEP_LEARNING_STAGE]


def skeleton_of(url: str, state: str | None = None, **headers) -> list[str] | None:
    path, _, query = url.partition("?")
    request = RequestFactory().get(path, query_params=None, **headers)
    request.META["QUERY_STRING"] = query
    key = page_key(request, str(ContentVersion.current()))
    kept = cache.get(skeleton_key(key, state))
    return kept and kept["skeleton"]


def state_of(owner: dict) -> str:
    """A learner's ticks, as `progress.ticks_state` says them."""
    stages = RoadmapStage.objects.visible(False).with_items(False, resources=True)
    progress = rules.roadmap_progress(owner=owner, stages=list(stages))
    return "|".join(entry.state for entry in progress.stages)


def guest_client() -> Client:
    guest = Client()
    response = tick(guest, "programming-apis", next_url=HOME, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == HTTPStatus.FOUND
    return guest


def headers_of(response) -> dict:
    """A response's headers but those that differ with each request (a new CSRF cookie)."""
    return {name: value for name, value in response.items() if name != "Set-Cookie"}


def without_tokens(body: bytes) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', body.decode())


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "region"])
def test_every_visitor_but_editors_shares_one_skeleton(client, ada, content, headers):
    guest = guest_client()
    learner = Client()
    learner.force_login(ada)
    for url in shared_urls():
        skeletons = []
        for visitor in (client, guest, learner):
            forget_kept()
            response = visitor.get(url, **headers)
            assert response.status_code == HTTPStatus.OK, url
            assert MARK not in response.text
            skeletons.append(skeleton_of(url, **headers))
        assert skeletons[0] is not None, url
        assert skeletons[0] == skeletons[1] == skeletons[2], url


def test_the_skeleton_cuts_out_what_is_personal(client, ada, content):
    client.get(HOME)
    page = "".join(skeleton_of(HOME)[::2])
    assert "Log in" not in page and "Sign up" not in page
    assert "Machine Learning Engineer Career Path" in page
    assert skeleton_of(HOME)[1::2] == [
        "includes/account_nav.html",
        "includes/messages.html",
        "includes/continue.html",
    ]


@pytest.mark.parametrize("who", ["guest", "learner"])
def test_a_page_from_the_skeleton_is_the_page_the_view_renders(
    ada, content, django_assert_max_num_queries, who
):
    visitor = guest_client()
    if who == "learner":
        visitor.force_login(ada)
        visitor.get("/")  # the day's session renewal, once
    for url in shared_urls():
        forget_kept()
        rendered = visitor.get(url)
        # The session, the user, the content version, where the learner left off.
        with django_assert_max_num_queries(4):
            built = visitor.get(url)
        assert built.status_code == HTTPStatus.OK
        assert without_tokens(built.content) == without_tokens(rendered.content), url
        assert headers_of(built) == headers_of(rendered), url
        assert "no-store" in built["Cache-Control"] and "private" in built["Cache-Control"]
        assert MARK not in built.text


def test_the_learner_sees_their_own_parts(ada, content):
    learner = Client()
    learner.force_login(ada)
    guest = guest_client()
    learner.get(SKILLS)  # keeps the skeleton
    page = guest.get(SKILLS).text
    assert "Signed in as" not in page and "Log in" in page
    page = guest.get(HOME).text
    assert "Continue where you left off" in page and "Signed in as" not in page
    page = learner.get(HOME).text
    assert "Signed in as <strong>ada</strong>" in page
    assert "Continue where you left off" not in page  # ada has not ticked anything
    assert 'name="csrfmiddlewaretoken"' in page  # the log-out form, for her alone


def test_an_edit_moves_every_visitor_to_the_new_content(ada, content):
    guest = guest_client()
    assert "Docker" in guest.get(SKILLS).text
    assert "Docker" in guest.get(SKILLS).text  # from the skeleton
    docker = Skill.objects.get(slug="docker")
    docker.name = "Docker containers, renamed"
    docker.save()
    assert "Docker containers, renamed" in guest.get(SKILLS).text


def test_editors_never_get_or_leave_a_skeleton(client, editor_client, content):
    Skill.objects.filter(slug="docker").update(published=False)
    ContentVersion.bump()
    page = editor_client.get(SKILLS).text
    assert "Draft" in page and MARK not in page
    assert skeleton_of(SKILLS) is None
    reader = client.__class__()
    reader.get(SKILLS)
    assert skeleton_of(SKILLS) is not None
    again = editor_client.get(SKILLS).text
    assert "Draft" in again and "Docker" in again


@pytest.mark.parametrize(
    "url",
    [reverse("guide:section", args=["no-such-section"]), SKILLS + "?category=x"],
)
def test_marks_never_reach_a_page_that_is_not_kept(client, ada, content, url):
    client.force_login(ada)
    response = client.get(url)
    assert response.status_code in {HTTPStatus.NOT_FOUND, HTTPStatus.BAD_REQUEST}
    assert MARK not in response.text
    assert "Signed in as" in response.text


def test_shared_checklists_carry_each_learners_own_token(ada, content):
    """A stage's checklist is rendered once for every learner with the same ticks; the
    CSRF token in its forms is still each learner's own."""
    bob = get_user_model().objects.create_user("bob", "bob@example.org", "bob horse 1")
    pages = {}
    for user in (ada, bob):
        learner = Client(enforce_csrf_checks=True)
        learner.force_login(user)
        pages[user.username] = (learner, learner.get(ROADMAP).text)
    token = {name: TOKEN.search(page).group() for name, (_, page) in pages.items()}
    assert token["ada"] != token["bob"]
    learner, _ = pages["bob"]
    url = tick_url("programming-apis")
    value = {name: found.split('value="')[1][:-1] for name, found in token.items()}
    refused = learner.post(url, {"done": "1", "csrfmiddlewaretoken": value["ada"]})
    assert refused.status_code == HTTPStatus.FORBIDDEN
    saved = learner.post(url, {"done": "1", "csrfmiddlewaretoken": value["bob"]})
    assert saved.status_code == HTTPStatus.FOUND
    page = learner.get(ROADMAP).text
    assert "Mark ‘APIs’ as not done" in page
    assert "Mark ‘APIs’ as not done" not in pages["ada"][0].get(ROADMAP).text


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "region"])
def test_learners_with_the_same_ticks_share_one_skeleton(ada, content, headers):
    guest = guest_client()  # ticked "APIs"
    learner = Client()
    learner.force_login(ada)
    tick(learner, "programming-apis", next_url=HOME)
    state = state_of({"user": ada})
    assert state == state_of({"guest__token": guest.session[rules.GUEST_SESSION_KEY]})
    for url in LEARNER_URLS:
        skeletons = []
        for visitor in (guest, learner):
            forget_kept()
            assert visitor.get(url, **headers).status_code == HTTPStatus.OK
            skeletons.append(skeleton_of(url, state, **headers))
        assert skeletons[0] is not None, url
        assert skeletons[0] == skeletons[1], url
        page = "".join(skeletons[0][::2])
        assert ("Mark ‘APIs’ as not done" in page) == (url == ROADMAP)
        # Every form has the token's slot, never a token.
        assert set(TOKEN_VALUE.findall(page)) == {TOKEN_SLOT}, url
        assert skeleton_of(url, state_of({"user_id": 0}), **headers) is None


@pytest.mark.parametrize("who", ["guest", "learner"])
def test_a_learner_page_from_the_skeleton_is_the_page_the_view_renders(
    ada, content, django_assert_max_num_queries, who
):
    visitor = guest_client()
    if who == "learner":
        visitor.force_login(ada)
    visitor.get("/")  # the tick's message, and the day's session renewal, once
    for url in LEARNER_URLS:
        forget_kept()
        rendered = visitor.get(url)
        # The session, the user, the content version, the learner's ticks: no content.
        with django_assert_max_num_queries(4):
            built = visitor.get(url)
        assert built.status_code == HTTPStatus.OK
        assert without_tokens(built.content) == without_tokens(rendered.content), url
        assert headers_of(built) == headers_of(rendered), url
        assert "no-store" in built["Cache-Control"] and "private" in built["Cache-Control"]
        for page in (rendered.text, built.text):
            assert MARK not in page and TOKEN_SLOT not in page
            assert TOKEN.search(page), url  # the tick forms carry the visitor's token


def test_every_form_of_a_learners_page_carries_one_token_masked_once(ada, content):
    """The log-out form (a personal part) and the tick forms (the skeleton's slots) get the
    same token, as one template's forms do; masking it twice per page cost about 60 µs."""
    learner = Client(enforce_csrf_checks=True)
    learner.force_login(ada)
    for kept in ("rendered", "from the skeleton"):
        tokens = TOKEN_VALUE.findall(learner.get(DEEP_LEARNING_STAGE).text)
        assert len(tokens) > 2 and len(set(tokens)) == 1, kept
    form = {"done": "1", "csrfmiddlewaretoken": tokens[0]}
    saved = learner.post(tick_url("deep-learning-image-recognition"), form)
    assert saved.status_code == HTTPStatus.FOUND


def test_a_tick_moves_the_learner_to_the_skeleton_of_their_new_ticks(content):
    guest = guest_client()
    guest.get(ROADMAP)
    assert "Mark ‘APIs’ as not done" in guest.get(ROADMAP).text  # from the skeleton
    tick(guest, "programming-functions", next_url=ROADMAP)
    page = guest.get(ROADMAP).text
    assert "Mark ‘Functions’ as not done" in page and "Mark ‘APIs’ as not done" in page
    tick(guest, "programming-functions", done=False, next_url=ROADMAP)
    assert "Mark ‘Functions’ as done" in guest.get(ROADMAP).text


def test_what_a_tick_saved_shows_on_a_page_from_the_skeleton(content):
    """A plain form's tick is answered by a redirect and a message placed in the progress
    status, which is the visitor's own even where the rest comes from the skeleton."""
    guest = guest_client()
    tick(guest, "programming-functions", next_url=ROADMAP)
    guest.get(ROADMAP)  # shows the message; keeps the skeleton for these ticks
    state = state_of({"guest__token": guest.session[rules.GUEST_SESSION_KEY]})
    tick(guest, "programming-functions", done=False, next_url=ROADMAP)
    tick(guest, "programming-functions", next_url=ROADMAP)  # the same ticks again: a kept skeleton
    assert skeleton_of(ROADMAP, state) is not None
    page = guest.get(ROADMAP).text
    status = re.search(r'<p class="progress-status"[^>]*>(.*?)</p>', page, re.DOTALL).group(1)
    assert "Functions" in status
    assert "Functions" not in re.search(
        r'<p class="progress-status"[^>]*>(.*?)</p>', guest.get(ROADMAP).text, re.DOTALL
    ).group(1)  # shown once
