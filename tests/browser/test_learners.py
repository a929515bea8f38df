"""What learners see after they act, on a 390 px phone and a 1280 px desktop (issue 12,
items 5 to 7): results in view next to the control, the roadmap's jump list and folded
stages, plain forms that say what they saved, a note kept as the textarea counts it."""

import pytest
from playwright.sync_api import expect

from guide.models import StageNote
from tests.browser.conftest import log_in, tick_button, untick_button
from tests.factories import tick_stage, typed_note

SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 720}}
ROOM = 16  # pixels at least between the dock and an item scrolled to


def on_screen(page, screen: str) -> None:
    """The screen's size, and no smooth scrolling, so that positions are read at rest."""
    page.set_viewport_size(SCREENS[screen])
    page.emulate_media(reduced_motion="reduce")


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def in_view(page, locator) -> bool:
    """Whether the element is wholly inside the viewport."""
    found, height = box(locator), page.viewport_size["height"]
    return found["y"] >= 0 and found["y"] + found["height"] <= height


def wait_in_view(page, locator, *, timeout_ms: int = 3000) -> None:
    """Wait until the element is wholly in view (a smooth scroll may still be running)."""
    for _ in range(timeout_ms // 50):
        if in_view(page, locator):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{locator} never came into view: {box(locator)}")


def dock_bottom(page) -> float:
    found = box(page.locator(".progress-dock"))
    return found["y"] + found["height"]


@pytest.mark.parametrize("screen", SCREENS)
def test_a_tick_mid_stage_shows_its_result_in_view(page, live_server, content, screen):
    on_screen(page, screen)
    page.goto(f"{live_server.url}/roadmap/")
    button = tick_button(page, "Decision trees")
    button.scroll_into_view_if_needed()
    button.click()
    done = untick_button(page, "Decision trees")
    expect(done).to_be_visible()
    status = page.locator("#progress-status")
    expect(status).to_have_text("‘Decision trees’ marked as done. Stage 3: 1 of 5 done.")
    for element in (status, page.locator("#overall-text"), done):
        assert in_view(page, element), element
    assert box(done)["y"] >= dock_bottom(page)  # not under the dock
    expect(page.locator("#overall-text")).to_have_text("1 of 28 items done (4%)")


@pytest.mark.parametrize("screen", SCREENS)
def test_a_saved_note_is_confirmed_next_to_it_with_and_without_javascript(
    page, no_js_page, live_server, ada, content, screen
):
    """A note of 1,000 characters over 20 lines, as a browser sends it (CRLF), is kept."""
    text = typed_note(1000, 20, line_break="\n")
    for browser_page in (page, no_js_page):
        on_screen(browser_page, screen)
        log_in(browser_page, live_server)
        note = browser_page.get_by_label("Your private note on stage 4")
        note.fill(text)
        browser_page.locator("#note-save-learn-deep-learning").click()
        status = browser_page.locator("#note-status-learn-deep-learning")
        expect(status).to_have_text("Your note on stage 4 is saved.")
        wait_in_view(browser_page, status)
        button = box(browser_page.locator("#note-save-learn-deep-learning"))
        gap = box(status)["y"] - (button["y"] + button["height"])
        assert 0 <= gap < 40, gap  # right under the note's button
        expect(browser_page.locator(".messages")).to_have_count(0)
        assert StageNote.objects.get(user=ada).text == text
        StageNote.objects.all().delete()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_refused_note_stays_on_the_dashboard_with_the_text_and_the_reason(
    page, no_js_page, live_server, ada, content, screen
):
    for browser_page in (page, no_js_page):
        on_screen(browser_page, screen)
        log_in(browser_page, live_server)
        note = browser_page.get_by_label("Your private note on stage 4")
        # A browser that ignores maxlength (or an old tab) sends too long a note.
        note.evaluate("(textarea) => textarea.removeAttribute('maxlength')")
        note.fill("z" * 1001)
        browser_page.locator("#note-save-learn-deep-learning").click()
        error = browser_page.locator("#note-error-learn-deep-learning")
        expect(error).to_have_text("Keep the note to 1000 characters (it has 1001).")
        note = browser_page.get_by_label("Your private note on stage 4")
        expect(note).to_have_value("z" * 1001)
        expect(note).to_be_focused()
        expect(note).to_have_attribute("aria-invalid", "true")
        assert in_view(browser_page, error)
        expect(
            browser_page.get_by_role("heading", name="Your progress", exact=True)
        ).to_have_count(1)
        assert not StageNote.objects.exists()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_roadmap_starts_with_a_jump_list_and_folds_finished_stages(
    page, live_server, ada, content, screen
):
    tick_stage(ada, 1)
    on_screen(page, screen)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/roadmap/")
    jump = page.get_by_role("navigation", name="Jump to a stage")
    assert in_view(page, jump)
    expect(jump.locator("li")).to_have_count(6)
    expect(page.locator("#jump-learn-programming-fundamentals")).to_have_text("All 5 done")
    expect(page.locator("#jump-learn-deep-learning")).to_have_text("0 of 4 done")

    # The finished stage 1 is folded: its heading shows, its checklist opens on demand.
    expect(untick_button(page, "Functions")).to_be_hidden()
    expect(
        page.get_by_role("heading", name="Stage 1 Learn Programming Fundamentals")
    ).to_be_visible()
    page.get_by_text("Stage 1: introduction and checklist").click()
    expect(untick_button(page, "Functions")).to_be_visible()
    expect(tick_button(page, "Pandas")).to_be_visible()  # stage 2 is open

    jump.get_by_role("link", name="4. Learn Deep Learning").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/#stage-learn-deep-learning")
    heading = page.get_by_role("heading", name="Stage 4 Learn Deep Learning")
    assert in_view(page, heading)
    assert box(page.locator("#stage-learn-deep-learning"))["y"] >= dock_bottom(page)

    # An htmx tick updates the stage's line in the jump list.
    tick_button(page, "Image recognition").click()
    expect(page.locator("#jump-learn-deep-learning")).to_have_text("1 of 4 done")


@pytest.mark.parametrize("screen", SCREENS)
def test_without_javascript_a_tick_says_what_was_saved_and_keeps_the_item_in_view(
    no_js_page, live_server, content, screen
):
    page = no_js_page
    on_screen(page, screen)
    page.goto(f"{live_server.url}/roadmap/")
    tick_button(page, "Model serving").click()
    expect(page).to_have_url(f"{live_server.url}/roadmap/#item-mlops-model-serving")
    status = page.locator("#progress-status")
    expect(status).to_have_text("‘Model serving’ marked as done. Stage 6: 1 of 5 done.")
    item = page.locator("#item-mlops-model-serving")
    assert in_view(page, status) and in_view(page, untick_button(page, "Model serving"))
    assert box(item)["y"] >= dock_bottom(page) + ROOM
    expect(page.locator(".messages")).to_have_count(0)

    # The message was shown once: the next page has none.
    page.goto(f"{live_server.url}/roadmap/learn-deployment-and-mlops/")
    expect(page.locator("#progress-status")).to_be_empty()


def test_logging_out_says_so_with_and_without_javascript(
    page, no_js_page, live_server, ada, content
):
    for browser_page in (page, no_js_page):
        log_in(browser_page, live_server)
        browser_page.get_by_role("button", name="Log out").click()
        expect(browser_page).to_have_url(f"{live_server.url}/")
        expect(browser_page.locator(".messages")).to_have_text(
            "You are logged out. Your progress stays in your account."
        )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_the_changed_states_have_zero_axe_violations(
    page, live_server, ada, content, scheme, screen, axe_report
):
    tick_stage(ada, 1)
    on_screen(page, screen)
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server)
    violations = {}
    page.goto(f"{live_server.url}/roadmap/")
    tick_button(page, "Pandas").click()
    expect(page.locator("#progress-status")).not_to_be_empty()
    if report := axe_report(page):
        violations["roadmap after a tick"] = report
    page.goto(f"{live_server.url}/progress/")
    page.locator("#note-save-learn-deep-learning").click()
    expect(page.locator("#note-status-learn-deep-learning")).not_to_be_empty()
    if report := axe_report(page):
        violations["note saved"] = report
    note = page.get_by_label("Your private note on stage 4")
    note.evaluate("(textarea) => textarea.removeAttribute('maxlength')")
    note.fill("z" * 1001)
    page.locator("#note-save-learn-deep-learning").click()
    expect(page.locator("#note-error-learn-deep-learning")).to_be_visible()
    if report := axe_report(page):
        violations["note refused"] = report
    page.get_by_role("button", name="Log out").click()
    expect(page.locator(".messages")).to_be_visible()
    if report := axe_report(page):
        violations["logged out"] = report
    assert violations == {}
