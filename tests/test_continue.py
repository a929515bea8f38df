"""Continue where you left off: a learner with progress is offered their first unticked
item on the home page and the roadmap; a visitor without a session gets the same page."""

from http import HTTPStatus

import pytest
from django.test import Client

from guide.models import ChecklistItem, RoadmapStage
from tests.factories import HOME, ROADMAP, tick, tick_stage

CONTINUE = "Continue where you left off"


def offered(client, url: str) -> str | None:
    text = client.get(url).text
    if CONTINUE not in text:
        return None
    return text.split(CONTINUE)[1].split('<a href="')[1].split('"')[0]


@pytest.mark.parametrize("url", [HOME, ROADMAP])
def test_a_guest_is_offered_the_first_unticked_item(client, content, url):
    first, second = ChecklistItem.objects.order_by("stage__number", "position")[:2]
    assert tick(client, first.slug).status_code == HTTPStatus.FOUND
    assert offered(client, url) == second.get_absolute_url()
    assert tick(client, second.slug).status_code == HTTPStatus.FOUND
    third = ChecklistItem.objects.order_by("stage__number", "position")[2]
    assert offered(client, url) == third.get_absolute_url()


@pytest.mark.parametrize("url", [HOME, ROADMAP])
def test_an_account_continues_in_the_next_stage(ada_client, ada, content, url):
    tick_stage(ada, 1)
    first_of_two = RoadmapStage.objects.get(number=2).items.order_by("position").first()
    assert offered(ada_client, url) == first_of_two.get_absolute_url()


@pytest.mark.parametrize("url", [HOME, ROADMAP])
def test_nothing_is_offered_before_the_first_tick_or_after_the_last(ada_client, ada, content, url):
    assert offered(ada_client, url) is None
    for stage in RoadmapStage.objects.all():
        tick_stage(ada, stage.number)
    assert offered(ada_client, url) is None


def test_a_draft_is_never_offered(client, content):
    first, second, third = ChecklistItem.objects.order_by("stage__number", "position")[:3]
    assert tick(client, first.slug).status_code == HTTPStatus.FOUND
    second.published = False
    second.save()
    assert offered(client, HOME) == third.get_absolute_url()


def test_visitors_without_a_session_get_the_same_home_page(client, content):
    assert tick(client, ChecklistItem.objects.first().slug).status_code == HTTPStatus.FOUND
    assert CONTINUE in client.get(HOME).text
    first, second = Client().get(HOME), Client().get(HOME)
    assert CONTINUE not in first.text
    assert first.content == second.content
    assert "Set-Cookie" not in first.headers
    assert "Cookie" not in first.get("Vary", "")
