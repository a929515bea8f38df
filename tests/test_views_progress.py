import csv
import io
import json
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from guide import progress as rules
from guide.models import ChecklistItem, Completion, RoadmapStage, StageNote
from tests.factories import DASHBOARD, DEEP_LEARNING_STAGE, HTMX, ROADMAP, tick, tick_url


def stage_url(slug: str) -> str:
    return reverse("guide:tick-stage", args=[slug])


def done_slugs(user) -> set[str]:
    return set(Completion.objects.filter(user=user).values_list("item__slug", flat=True))


def test_a_guest_ticks_without_javascript_and_comes_back_to_the_item(client, content):
    response = tick(client, "programming-functions", next_url="/roadmap/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/roadmap/#item-programming-functions"
    page = client.get(ROADMAP)
    assert "Mark ‘Functions’ as not done" in page.text
    assert "Mark ‘APIs’ as done" in page.text
    assert "1 of 28 items done (4%)" in page.text
    guest_ticks = Completion.objects.filter(guest__isnull=False)
    assert list(guest_ticks.values_list("item__slug", flat=True)) == ["programming-functions"]
    assert not Completion.objects.filter(user__isnull=False).exists()


def test_every_request_states_the_desired_state(ada_client, ada, content):
    for done in [True, True, False, False, True]:
        tick(ada_client, "programming-apis", done=done)
    assert done_slugs(ada) == {"programming-apis"}
    tick(ada_client, "programming-apis", done=False)
    assert done_slugs(ada) == set()


def test_htmx_tick_returns_the_stage_block_and_the_overall_bar(ada_client, ada, content):
    response = tick(ada_client, "data-analysis-sql", next_url="/roadmap/", **HTMX)
    assert response.status_code == HTTPStatus.OK
    text = response.text
    assert "<html" not in text
    assert text.lstrip().startswith('<div class="checklist-block" id="checklist-develop-data')
    assert "Mark ‘SQL’ as not done" in text
    assert "1 of 3 done" in text
    overall = 'id="overall-progress" aria-labelledby="overall-heading" data-hx-swap-oob="true"'
    assert overall in text
    assert "1 of 28 items done (4%)" in text
    assert "‘SQL’ marked as done. Stage 2: 1 of 3 done." in text
    assert 'name="next" value="/roadmap/"' in text
    assert done_slugs(ada) == {"data-analysis-sql"}


def test_ticking_a_stage_ticks_all_its_items(ada_client, ada, content):
    response = ada_client.post(stage_url("learn-deep-learning"), {"done": "1"}, **HTMX)
    assert "4 of 4 done, completed" in response.text
    assert "Mark stage 4 as not done" in response.text
    assert len(done_slugs(ada)) == 4
    response = ada_client.post(stage_url("learn-deep-learning"), {"done": "0"})
    assert response["Location"] == "/roadmap/learn-deep-learning/#checklist-learn-deep-learning"
    assert done_slugs(ada) == set()


@pytest.mark.parametrize(
    "data",
    [{}, {"done": "maybe"}, {"done": "true"}, {"done": ""}, {"done": "1", "next": "x" * 3000}],
)
def test_malformed_ticks_are_a_400_and_change_nothing(ada_client, ada, content, data):
    response = ada_client.post(tick_url("programming-apis"), data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The change could not be made" in response.text
    assert done_slugs(ada) == set()
    response = ada_client.post(stage_url("learn-deep-learning"), data, **HTMX)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert response["HX-Reswap"] == "none"
    assert done_slugs(ada) == set()


def test_unknown_items_and_stages_are_404(ada_client, content):
    assert tick(ada_client, "no-such-item").status_code == 404
    assert ada_client.post(stage_url("no-such-stage"), {"done": "1"}).status_code == 404
    assert ada_client.get(reverse("guide:stage", args=["no-such-stage"])).status_code == 404


def test_ticking_needs_post(client, content):
    assert client.get(tick_url("programming-apis")).status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_only_local_next_addresses_are_followed(ada_client, content, next_url):
    response = tick(ada_client, "programming-apis", next_url=next_url)
    assert response["Location"] == "/roadmap/learn-programming-fundamentals/#item-programming-apis"


def test_csrf_is_enforced_on_every_post(ada, content):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ada)
    posts = [
        (tick_url("programming-apis"), {"done": "1"}),
        (stage_url("learn-deep-learning"), {"done": "1"}),
        (reverse("guide:save-note", args=["learn-deep-learning"]), {"text": "x"}),
        (reverse("guide:reset-progress"), {}),
        (reverse("guide:delete-account"), {"password": "correct horse 1"}),
        (reverse("guide:logout"), {}),
    ]
    for url, data in posts:
        response = strict.post(url, data)
        assert response.status_code == HTTPStatus.FORBIDDEN, url
        assert "This form has expired" in response.text
    assert not Completion.objects.exists()
    assert get_user_model().objects.filter(username="ada").exists()

    page = strict.get(ROADMAP)
    token = page.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page.text
    response = strict.post(tick_url("programming-apis"), {"done": "1"}, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == HTTPStatus.FOUND
    assert done_slugs(ada) == {"programming-apis"}


@pytest.mark.parametrize("name", ["guide:roadmap", "guide:progress"])
def test_progress_pages_are_never_stored_for_a_visitor_with_a_session(client, content, name):
    tick(client, "programming-apis")  # a guest with a session now
    response = client.get(reverse(name))
    assert "no-store" in response["Cache-Control"]
    stage = client.get(DEEP_LEARNING_STAGE)
    assert "no-store" in stage["Cache-Control"]


def test_another_users_progress_is_invisible_and_unchangeable(client, ada, content):
    bob = get_user_model().objects.create_user("bob", password="another horse 2")
    owner = {"user": ada}
    rules.set_stage_done(
        owner=owner, stage=RoadmapStage.objects.get(number=1), done=True, drafts=False
    )
    rules.save_note(user=ada, stage=RoadmapStage.objects.get(number=1), text="Ada's secret")

    client.force_login(bob)
    assert "0 of 28 items done" in client.get(ROADMAP).text
    dashboard = client.get(DASHBOARD).text
    assert "Ada's secret" not in dashboard and "0 of 5 done" in dashboard
    client.post(stage_url("learn-programming-fundamentals"), {"done": "0"})
    client.post(reverse("guide:reset-progress"), {})
    exported = json.loads(client.get(reverse("guide:export-json")).content)
    assert exported["completed_items"] == [] and exported["notes"] == []
    assert exported["account"] == "bob"
    assert len(done_slugs(ada)) == 5
    assert StageNote.objects.get(user=ada).text == "Ada's secret"


def test_dashboard_shows_overall_stages_dates_and_next_up(ada_client, ada, content):
    owner = {"user": ada}
    rules.set_stage_done(
        owner=owner, stage=RoadmapStage.objects.get(number=1), done=True, drafts=False
    )
    rules.set_item_done(
        owner=owner, item=ChecklistItem.objects.get(slug="data-analysis-pandas"), done=True
    )
    text = ada_client.get(DASHBOARD).text
    assert "6 of 28 items done (21%)" in text
    assert "5 of 5 done, completed" in text
    assert "1 of 3 done" in text
    assert (
        'href="/roadmap/develop-data-analysis-skills/#item-data-analysis-numpy">NumPy</a>' in text
    )
    assert "Your private note on stage 1" in text
    assert "Delete your account" in text


def test_guests_see_an_invitation_and_no_account_actions(client, content):
    text = client.get(DASHBOARD).text
    assert "Sign up" in text and "kept in this browser" in text
    assert "Your private note" not in text and "Delete your account" not in text
    assert client.post(reverse("guide:save-note", args=["learn-deep-learning"]), {"text": "x"})[
        "Location"
    ].startswith(reverse("guide:login"))


def test_notes_are_saved_and_limited(ada_client, ada, content):
    url = reverse("guide:save-note", args=["learn-deep-learning"])
    response = ada_client.post(url, {"text": "Watch the 3Blue1Brown series"})
    assert response["Location"] == "/progress/#stage-learn-deep-learning"
    assert "Watch the 3Blue1Brown series" in ada_client.get(DASHBOARD).text
    response = ada_client.post(url, {"text": "x" * 1001})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Keep the note to 1000 characters (it has 1001)." in response.text
    assert StageNote.objects.get(user=ada).text == "Watch the 3Blue1Brown series"
    assert (
        ada_client.post(reverse("guide:save-note", args=["nope"]), {"text": "x"}).status_code
        == 404
    )


def test_reset_asks_first_then_clears_one_stage_or_all(ada_client, ada, content):
    owner = {"user": ada}
    for number in (1, 2):
        rules.set_stage_done(
            owner=owner, stage=RoadmapStage.objects.get(number=number), done=True, drafts=False
        )
    confirm = ada_client.get(
        reverse("guide:reset-progress"), {"stage": "learn-programming-fundamentals"}
    )
    assert "Reset stage 1: Learn Programming Fundamentals?" in confirm.text
    assert "This clears 5 ticked items in this stage." in confirm.text
    assert len(done_slugs(ada)) == 8  # asking changes nothing

    response = ada_client.post(
        reverse("guide:reset-progress"), {"stage": "learn-programming-fundamentals"}
    )
    assert response["Location"] == DASHBOARD
    assert len(done_slugs(ada)) == 3
    assert "This clears 3 ticked items." in ada_client.get(reverse("guide:reset-progress")).text
    ada_client.post(reverse("guide:reset-progress"))
    assert done_slugs(ada) == set()
    assert ada_client.get(reverse("guide:reset-progress"), {"stage": "nope"}).status_code == 400
    assert ada_client.post(reverse("guide:reset-progress"), {"stage": "nope"}).status_code == 400


def test_export_json_and_csv(ada_client, ada, content):
    owner = {"user": ada}
    rules.set_item_done(
        owner=owner, item=ChecklistItem.objects.get(slug="mlops-model-serving"), done=True
    )
    rules.set_item_done(
        owner=owner, item=ChecklistItem.objects.get(slug="programming-functions"), done=True
    )
    rules.save_note(user=ada, stage=RoadmapStage.objects.get(number=6), text="Try BentoML")

    response = ada_client.get(reverse("guide:export-json"))
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="ml-roadmap-progress-')
    document = json.loads(response.content)
    assert document["account"] == "ada"
    assert [row["item"] for row in document["completed_items"]] == [
        "programming-functions",
        "mlops-model-serving",
    ]
    assert document["completed_items"][1]["stage_title"] == "Learn Deployment and MLOps"
    assert document["notes"] == [
        {"stage": 6, "stage_title": "Learn Deployment and MLOps", "text": "Try BentoML"}
    ]

    response = ada_client.get(reverse("guide:export-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(row["stage"], row["item"], row["item_title"]) for row in rows] == [
        ("1", "programming-functions", "Functions"),
        ("6", "mlops-model-serving", "Model serving"),
    ]


def test_guests_can_export_their_session_progress(client, content):
    tick(client, "projects-resume-screening-tool")
    document = json.loads(client.get(reverse("guide:export-json")).content)
    assert document["account"] is None
    assert [row["item"] for row in document["completed_items"]] == [
        "projects-resume-screening-tool"
    ]


@pytest.mark.parametrize("url", [ROADMAP, DEEP_LEARNING_STAGE])
def test_later_visits_read_the_stages_once_per_version(
    client, content, django_assert_max_num_queries, url
):
    # A history record, so the page has a date to show.
    ChecklistItem.objects.get(slug="deep-learning-image-recognition").save()
    tick(client, "programming-apis")
    first = client.get(url)
    # The content version, the guest's session and ticks: the rest is in the skeleton kept
    # for the learners with the guest's ticks.
    with django_assert_max_num_queries(3):
        again = client.get(url)
    date = re.search(r'<p class="last-updated">.*?</p>', first.text).group()
    assert date in again.text


def test_tick_query_budget(ada_client, content, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        tick(ada_client, "programming-apis", **HTMX)
