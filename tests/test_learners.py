"""What learners see after they act (issue 12, items 4 to 7): notes counted as the
textarea counts them and refused in place, results next to the control that caused them,
the roadmap's jump list and folded stages, and messages after plain forms."""

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from guide.models import StageNote
from tests.factories import (
    DASHBOARD,
    DEEP_LEARNING_STAGE,
    HOME,
    HTMX,
    ORIGIN,
    ROADMAP,
    tick,
    tick_stage,
    typed_note,
)

NOTE_URL = reverse("guide:save-note", args=["learn-deep-learning"])


def element(html: str, element_id: str) -> str:
    """The opening tag and text of the element with `element_id` (up to its first tag end)."""
    match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.DOTALL)
    assert match, element_id
    return match.group(0)


# Item 4: a note within the limit is refused.


def test_a_note_of_1000_characters_over_20_lines_is_kept_with_its_line_breaks(
    ada_client, ada, content
):
    text = typed_note(1000, 20)
    assert len(text) == 1019  # what the browser sends
    response = ada_client.post(NOTE_URL, {"text": text})
    assert response.status_code == HTTPStatus.FOUND
    kept = StageNote.objects.get(user=ada).text
    assert len(kept) == 1000 and "\r" not in kept and kept.count("\n") == 19


def test_a_lone_carriage_return_counts_as_one_line_break(ada_client, ada, content):
    ada_client.post(NOTE_URL, {"text": "one\rtwo\r\nthree"})
    assert StageNote.objects.get(user=ada).text == "one\ntwo\nthree"


def test_a_note_too_long_is_refused_on_the_dashboard_with_the_text_kept(ada_client, ada, content):
    ada_client.post(NOTE_URL, {"text": "An earlier note"})
    text = typed_note(1001, 20)
    response = ada_client.post(NOTE_URL, {"text": text})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.text
    assert "<h1>Your progress</h1>" in html
    assert "Go to the guide&#x27;s home page" not in html and "Bad request" not in html
    textarea = element(html, "note-learn-deep-learning")
    assert 'aria-invalid="true"' in textarea and "autofocus" in textarea
    assert 'aria-describedby="note-error-learn-deep-learning' in textarea
    assert "x" * 49 in textarea and textarea.count("y") > 0  # the text as typed
    assert "Keep the note to 1000 characters (it has 1001)." in element(
        html, "note-error-learn-deep-learning"
    )
    # The other stages' forms are as they were, and nothing was saved.
    assert 'aria-invalid="true"' not in element(html, "note-learn-programming-fundamentals")
    assert StageNote.objects.get(user=ada).text == "An earlier note"


def test_with_htmx_a_note_is_saved_and_confirmed_next_to_it(ada_client, ada, content):
    response = ada_client.post(NOTE_URL, {"text": "Watch\r\nthe series"}, **HTMX)
    assert response.status_code == HTTPStatus.OK
    html = response.text
    assert "<html" not in html
    assert html.lstrip().startswith('<form class="note-form" id="note-form-learn-deep-learning"')
    status = element(html, "note-status-learn-deep-learning")
    assert 'data-hx-swap-oob="innerHTML"' in status
    assert "Your note on stage 4 is saved." in status
    assert "Watch\nthe series</textarea>" in html
    assert StageNote.objects.get(user=ada).text == "Watch\nthe series"
    # The confirmation was shown: it does not wait for the next page.
    assert "is saved" not in ada_client.get(DASHBOARD).text


def test_with_htmx_a_note_too_long_comes_back_with_the_text_and_the_reason(
    ada_client, ada, content
):
    response = ada_client.post(NOTE_URL, {"text": "z" * 1001}, **HTMX)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    html = response.text
    assert "<html" not in html
    assert "z" * 1001 in element(html, "note-learn-deep-learning")
    assert "Keep the note to 1000 characters (it has 1001)." in html
    assert not StageNote.objects.exists()


# Item 5: the result next to the control that caused it.


def test_without_javascript_the_note_is_confirmed_next_to_it(ada_client, content):
    response = ada_client.post(NOTE_URL, {"text": "Try fast.ai"})
    assert response["Location"] == "/progress/#stage-learn-deep-learning"
    html = ada_client.get(DASHBOARD).text
    status = element(html, "note-status-learn-deep-learning")
    assert 'role="status"' in status and "Your note on stage 4 is saved." in status
    assert 'class="messages"' not in html  # not at the top of the page
    assert "is saved" not in element(html, "note-status-learn-programming-fundamentals")


@pytest.mark.parametrize("url", [ROADMAP, DEEP_LEARNING_STAGE])
def test_the_overall_bar_and_status_line_sit_in_the_sticky_dock(client, content, url):
    html = client.get(url).text
    dock = html[html.index('<div class="progress-dock">') :]
    dock = dock[: dock.index('<p class="progress-status"')]
    assert 'id="overall-progress"' in dock


# Item 6: the roadmap's jump list and folded stages.


def test_the_roadmap_lists_its_stages_at_the_top_with_their_progress(ada_client, ada, content):
    tick_stage(ada, 1)
    tick(ada_client, "data-analysis-sql")
    html = ada_client.get(ROADMAP).text
    jump = html[
        html.index('<nav class="jump-list"') : html.index("</nav>", html.index("jump-list"))
    ]
    assert html.index('<nav class="jump-list"') < html.index('<ol class="stages">')
    links = re.findall(r'<a href="#(stage-[\w-]+)">(\d)\. ', jump)
    assert [number for _, number in links] == ["1", "2", "3", "4", "5", "6"]
    for anchor, _ in links:
        assert f'id="{anchor}"' in html
    assert "All 5 done" in element(jump, "jump-learn-programming-fundamentals")
    assert "1 of 3 done" in element(jump, "jump-develop-data-analysis-skills")
    assert "0 of 4 done" in element(jump, "jump-learn-deep-learning")


def test_finished_stages_are_folded_and_the_others_open(ada_client, ada, content):
    tick_stage(ada, 1)
    html = ada_client.get(ROADMAP).text
    folds = re.findall(r'<details class="stage__body"( open)?>\s*<summary>Stage (\d)', html)
    assert folds == [("", "1"), *((" open", str(n)) for n in range(2, 7))]


def test_a_reader_without_progress_gets_every_stage_open(client, content):
    html = client.get(ROADMAP).text
    assert html.count('<details class="stage__body" open>') == 6
    assert html.count("0 of ") >= 6


def test_an_htmx_tick_on_the_roadmap_updates_the_stage_in_the_jump_list(ada_client, content):
    html = tick(ada_client, "data-analysis-sql", next_url=ROADMAP, **HTMX).text
    jump = element(html, "jump-develop-data-analysis-skills")
    assert 'data-hx-swap-oob="true"' in jump and "1 of 3 done" in jump
    # A stage page has no jump list: nothing is sent for one.
    html = tick(ada_client, "data-analysis-sql", next_url=DEEP_LEARNING_STAGE, **HTMX).text
    assert "jump-" not in html


# Item 7: plain forms say what was saved; logging out says so.


def test_a_plain_tick_says_what_was_saved_in_the_status_line(ada_client, content):
    response = tick(ada_client, "data-analysis-sql", next_url=ROADMAP)
    assert response["Location"] == "/roadmap/#item-data-analysis-sql"
    html = ada_client.get(ROADMAP).text
    status = element(html, "progress-status")
    assert "‘SQL’ marked as done. Stage 2: 1 of 3 done." in status
    assert 'class="messages"' not in html
    assert "marked as" not in element(ada_client.get(ROADMAP).text, "progress-status")

    stage_url = reverse("guide:tick-stage", args=["learn-deep-learning"])
    ada_client.post(stage_url, {"done": "1", "next": DEEP_LEARNING_STAGE})
    status = element(ada_client.get(DEEP_LEARNING_STAGE).text, "progress-status")
    assert "Stage 4 marked as done. Stage 4: 4 of 4 done." in status


def test_an_htmx_tick_leaves_no_message_for_the_next_page(ada_client, content):
    tick(ada_client, "data-analysis-sql", next_url=ROADMAP, **HTMX)
    assert "marked as" not in element(ada_client.get(ROADMAP).text, "progress-status")


def test_a_first_tick_message_never_reaches_a_shared_page(content):
    shared = Client()
    assert "public" in shared.get(ROADMAP)["Cache-Control"]  # kept in the page cache
    guest = Client()
    tick(guest, "programming-apis", next_url=ROADMAP, HTTP_ORIGIN=ORIGIN)
    mine = guest.get(ROADMAP)
    assert "‘APIs’ marked as done" in mine.text
    assert "no-store" in mine["Cache-Control"] and "ETag" not in mine
    for reader in (shared, Client()):
        assert "marked as" not in reader.get(ROADMAP).text


def test_logging_out_says_so_once_and_only_to_that_visitor(client, ada, content):
    client.force_login(ada)
    response = client.post(reverse("guide:logout"), follow=True)
    assert response.redirect_chain == [(HOME, HTTPStatus.FOUND)]
    assert "You are logged out." in response.text
    assert "no-store" in response["Cache-Control"]
    assert "logged out" not in client.get(HOME).text
    assert "logged out" not in Client().get(HOME).text
