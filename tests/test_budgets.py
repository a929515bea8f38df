"""Query budgets: what a page costs the database when nothing is kept (right after an edit).

Every reading and progress page, for every kind of visitor, makes at most `MOST_QUERIES`
queries, and no page costs more when the guide holds ten times the content (one more query
at most). What is kept makes later requests cheaper still: tests/test_pagecache.py and
tests/test_personal.py.
"""

from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guide.search import rebuild_index
from tests.factories import (
    CAREER,
    CERTIFICATIONS,
    DASHBOARD,
    FEED,
    HOME,
    PROJECTS,
    SALARIES,
    SEARCH,
    SKILLS,
    edit_every_kind,
    forget_kept,
    site_urls,
    tick,
    tick_stage,
)

# No reading or progress page costs any visitor more than this with nothing kept.
MOST_QUERIES = 12
VISITORS = ["anonymous", "guest", "learner"]
# Pages beyond the guide's own (`site_urls`), with the status each answers.
MORE_PAGES = {
    DASHBOARD: HTTPStatus.OK,
    FEED: HTTPStatus.OK,
    f"{SKILLS}?category=mlops&stage=6&q=docker": HTTPStatus.OK,
    f"{PROJECTS}?skill=convolutional-neural-networks": HTTPStatus.OK,
    f"{CAREER}?years=5": HTTPStatus.OK,
    f"{SALARIES}?level=senior-level": HTTPStatus.OK,
    f"{CERTIFICATIONS}?provider=aws&q=aws": HTTPStatus.OK,
    f"{SEARCH}?q=learning": HTTPStatus.OK,
    f"{SEARCH}?q=zzzz": HTTPStatus.OK,  # nothing found: a spelling suggestion is looked for
    # Bad filters: the choices are read to tell what is wrong, no results.
    f"{SKILLS}?category=nope": HTTPStatus.BAD_REQUEST,
    f"{PROJECTS}?area=deep-learning&skill=no-such-skill": HTTPStatus.BAD_REQUEST,
}


def pages() -> dict[str, int]:
    return {**dict.fromkeys(site_urls(), HTTPStatus.OK), **MORE_PAGES}


def become(client, who: str, user) -> None:
    """Make `client` a visitor of the kind `who`: a guest has ticked an item, a signed-in
    learner a whole stage, and each has seen the tick's message."""
    if who == "guest":
        tick(client, "programming-apis")
    elif who == "learner":
        client.force_login(user)
        tick_stage(user, 1)
    client.get(HOME)


def cold_queries(client, url: str, status: int) -> int:
    """The queries `url` makes with nothing kept: no page, skeleton or part in the cache,
    the content version read afresh (as right after an edit)."""
    forget_kept()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == status, url
    return len(captured)


@pytest.mark.parametrize("who", VISITORS)
def test_every_page_stays_within_the_budget_with_nothing_kept(client, ada, content, who):
    become(client, who, ada)
    edit_every_kind()  # a history for /changes/ to list, and dates for "Last updated"
    rebuild_index()  # the search index is rebuilt as an edit commits, not by a search
    costs = {url: cold_queries(client, url, status) for url, status in pages().items()}
    over = {url: cost for url, cost in costs.items() if cost > MOST_QUERIES}
    assert not over, f"over {MOST_QUERIES} queries for a {who}: {over}"


@pytest.mark.parametrize("who", VISITORS)
def test_no_page_costs_more_with_ten_times_the_content(client, ada, content, who):
    become(client, who, ada)
    edit_every_kind()
    rebuild_index()
    measured = pages()  # the same pages after: the copies grow_guide adds have no "before"
    before = {url: cold_queries(client, url, status) for url, status in measured.items()}
    call_command("grow_guide", "--factor", "10")
    rebuild_index()
    after = {url: cold_queries(client, url, status) for url, status in measured.items()}
    grown = {url: (before[url], after[url]) for url in before if after[url] > before[url] + 1}
    assert not grown, f"queries that grew with the content for a {who}: {grown}"
