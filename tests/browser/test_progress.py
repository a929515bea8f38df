"""Ticking the roadmap in a real browser: guests, accounts, keyboard, no JavaScript."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from guide.models import Completion
from tests.browser.conftest import log_in, tick_button, untick_button


def test_a_guest_ticks_two_items_signs_up_and_finds_them(
    page, live_server, content, mark_document, assert_accessible
):
    page.goto(f"{live_server.url}/roadmap/")
    still_same_document = mark_document(page)
    tick_button(page, "Functions").click()
    expect(untick_button(page, "Functions")).to_be_visible()
    tick_button(page, "Pandas").click()
    expect(untick_button(page, "Pandas")).to_be_visible()
    expect(page.locator("#overall-text")).to_have_text("2 of 28 items done (7%)")
    expect(page.locator("#progress-status")).to_have_text(
        "‘Pandas’ marked as done. Stage 2: 1 of 3 done."
    )
    assert still_same_document()
    expect(page.locator(".invite")).to_contain_text("kept in this browser")

    page.locator(".invite").get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password", exact=True).fill("a long passphrase")
    page.get_by_label("Password confirmation").fill("a long passphrase")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{live_server.url}/progress/")
    expect(page.locator(".messages")).to_contain_text("The 2 items you ticked are now saved")
    expect(page.locator("#overall-text")).to_have_text("2 of 28 items done (7%)")
    expect(page.locator("#stage-learn-programming-fundamentals")).to_contain_text("1 of 5 done")
    expect(page.locator("#stage-develop-data-analysis-skills")).to_contain_text("1 of 3 done")
    grace = get_user_model().objects.get(username="grace")
    assert Completion.objects.filter(user=grace).count() == 2
    assert_accessible(page)


def test_a_whole_stage_updates_without_a_reload_and_stays_after_one(
    page, live_server, ada, content, mark_document, assert_accessible
):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/roadmap/learn-deep-learning/")
    still_same_document = mark_document(page)
    page.get_by_role("button", name="Mark all of stage 4 as done").click()
    for title in ["Image recognition", "Text classification", "Sentiment analysis"]:
        expect(untick_button(page, title)).to_be_visible()
    expect(page.locator("#meter-learn-deep-learning")).to_contain_text("4 of 4 done, completed")
    expect(page.locator("#overall-text")).to_have_text("4 of 28 items done (14%)")
    expect(page.get_by_role("button", name="Mark stage 4 as not done")).to_be_visible()
    assert still_same_document()
    assert_accessible(page)

    page.reload()
    expect(untick_button(page, "Recommendation systems")).to_be_visible()
    expect(page.locator("#overall-text")).to_have_text("4 of 28 items done (14%)")
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/progress/")
    expect(page.locator("#overall-text")).to_have_text("4 of 28 items done (14%)")


def test_keyboard_only_ticking_keeps_focus_on_the_control(page, live_server, ada, content, tab_to):
    log_in(page, live_server)
    page.goto(f"{live_server.url}/roadmap/learn-programming-fundamentals/")
    target = tick_button(page, "Variables and data structures")
    tab_to(page, target)
    expect(target).to_be_focused()
    page.keyboard.press("Space")
    done = untick_button(page, "Variables and data structures")
    expect(done).to_be_focused()
    # The item's two resources come next in the reading order, then the next item.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="The Python Tutorial: Data Structures")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(tick_button(page, "Functions")).to_be_focused()
    page.keyboard.press("Enter")
    expect(untick_button(page, "Functions")).to_be_focused()
    for _ in range(3):
        page.keyboard.press("Shift+Tab")
    expect(untick_button(page, "Variables and data structures")).to_be_focused()
    page.keyboard.press("Enter")
    expect(tick_button(page, "Variables and data structures")).to_be_focused()
    expect(page.locator("#overall-text")).to_have_text("1 of 28 items done (4%)")
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"


def test_ticking_without_javascript_comes_back_to_the_item(no_js_page, live_server, ada, content):
    page = no_js_page
    log_in(page, live_server)
    page.goto(f"{live_server.url}/roadmap/")
    tick_button(page, "SQL").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/#item-data-analysis-sql")
    expect(untick_button(page, "SQL")).to_be_visible()
    page.get_by_role("button", name="Mark all of stage 6 as done").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/#checklist-learn-deployment-and-mlops")
    expect(page.locator("#overall-text")).to_have_text("6 of 28 items done (21%)")
    untick_button(page, "SQL").click()
    expect(page.locator("#overall-text")).to_have_text("5 of 28 items done (18%)")


def wait_until(page, condition, *, timeout_ms: int = 5000) -> None:
    """Let Playwright run its callbacks until `condition()` holds."""
    for _ in range(timeout_ms // 25):
        if condition():
            return
        page.wait_for_timeout(25)
    raise AssertionError("the condition never held")


def test_a_guest_ticks_a_cached_page_without_javascript(no_js_page, live_server, content):
    """The roadmap served to a visitor without a session carries no token: the first tick
    is accepted by its origin, the next ones by the token of the page that follows."""
    page = no_js_page
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server.url}/roadmap/")
    assert "public" in responses[0].headers["cache-control"]
    assert page.context.cookies() == []
    tick_button(page, "SQL").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/#item-data-analysis-sql")
    expect(untick_button(page, "SQL")).to_be_visible()
    tick_button(page, "Functions").click()
    expect(untick_button(page, "Functions")).to_be_visible()
    expect(page.locator("#overall-text")).to_have_text("2 of 28 items done (7%)")


def test_a_tick_in_flight_is_marked_and_a_failure_keeps_the_true_state(page, live_server, content):
    page.goto(f"{live_server.url}/roadmap/learn-programming-fundamentals/")
    held = []
    page.route("**/progress/items/**", lambda route: held.append(route))
    button = tick_button(page, "APIs")
    form = page.locator("#item-programming-apis form")
    button.click()
    expect(form).to_have_class(re.compile(r"\bhtmx-request\b"))  # htmx marks it busy
    wait_until(page, lambda: len(held) == 1)
    held[0].fulfill(status=500, body="boom")
    expect(page.locator("#progress-status")).to_have_text(
        "Your change could not be saved, so nothing changed. Check your connection and try again."
    )
    expect(form).not_to_have_class(re.compile(r"\bhtmx-request\b"))
    expect(tick_button(page, "APIs")).to_be_visible()
    expect(page.locator("#overall-text")).to_have_text("0 of 28 items done (0%)")


PAGES = [
    "/roadmap/",
    "/roadmap/build-real-world-projects/",
    "/progress/",
    "/progress/reset/",
    "/progress/reset/?stage=learn-deep-learning",
    "/accounts/delete/",
    "/accounts/password-change/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_progress_and_account_pages_have_zero_axe_violations(
    page, live_server, ada, content, scheme, axe_report
):
    page.emulate_media(color_scheme=scheme)
    violations = {}
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password-reset/"]:
        page.goto(live_server.url + url)
        if report := axe_report(page):
            violations[url] = report
    log_in(page, live_server)
    page.goto(f"{live_server.url}/roadmap/learn-deep-learning/")
    page.get_by_role("button", name="Mark all of stage 4 as done").click()
    expect(page.get_by_role("button", name="Mark stage 4 as not done")).to_be_visible()
    for url in PAGES:
        page.goto(live_server.url + url)
        if report := axe_report(page):
            violations[url] = report
    assert violations == {}


def test_logging_out_is_a_full_page_post(page, live_server, ada, content):
    log_in(page, live_server)
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    page.goto(f"{live_server.url}/progress/")
    expect(page.locator(".invite")).to_be_visible()
    assert re.search("0 of 28", page.locator("#overall-text").inner_text())
