"""The roadmap and a stage on paper: no navigation or forms, black on white in either
colour scheme, ticked and unticked items told apart without colour, a page per stage."""

import pytest

from guide import progress as rules
from guide.models import ChecklistItem
from tests.browser.conftest import log_in

AFTER_CONTENT = "(element) => getComputedStyle(element, '::after').content"
HIDDEN_ON_PAPER = [
    ".site-header",
    ".site-footer",
    ".breadcrumbs",
    ".stage-tick",
    ".progress-status",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("url", ["/roadmap/", "/roadmap/learn-programming-fundamentals/"])
def test_the_roadmap_prints_cleanly(page, live_server, ada, content, url, scheme):
    item = ChecklistItem.objects.get(slug="programming-apis")
    rules.set_item_done(owner={"user": ada}, item=item, done=True)
    log_in(page, live_server)
    page.emulate_media(media="print", color_scheme=scheme)
    page.goto(live_server.url + url)

    for selector in HIDDEN_ON_PAPER:
        for element in page.locator(selector).all():
            assert not element.is_visible(), selector
    assert page.locator("form.stage-tick button").first.is_hidden()
    assert page.locator(".site-search input").first.is_hidden()

    done = page.locator(f"#{item.anchor} .tick__box")
    undone = page.locator(".ticks__item:not(.is-done) .tick__box").first
    assert done.evaluate(AFTER_CONTENT) == '"✓"'
    assert undone.evaluate(AFTER_CONTENT) in {"none", "normal"}
    title = page.locator(f"#{item.anchor} .tick__title")
    assert "line-through" in title.evaluate("(e) => getComputedStyle(e).textDecorationLine")
    assert page.locator(f"#{item.anchor} .tick__title").is_visible()

    body = page.locator("body")
    assert body.evaluate("(e) => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    assert body.evaluate("(e) => getComputedStyle(e).backgroundColor") in {
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    }
    if url == "/roadmap/":
        breaks = page.locator(".stages > .stage").evaluate_all(
            "(stages) => stages.map((stage) => getComputedStyle(stage).breakBefore)"
        )
        assert breaks[0] != "page" and set(breaks[1:]) == {"page"}
