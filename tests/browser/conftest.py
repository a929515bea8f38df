import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import PASSWORD

# The flags this sandboxed, offline machine needs; Chromium stays quiet on the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium from PATH: never a browser downloaded by Playwright."""
    chromium = shutil.which("chromium")
    if chromium is None:
        message = "browser tests need Chromium: run `apt-get install -y chromium` (Debian)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": chromium, "args": CHROMIUM_ARGS}


AXE = Axe()


def tick_button(page, title: str):
    """The button that marks the checklist item `title` as done."""
    return page.get_by_role("button", name=f"Mark ‘{title}’ as done")


def untick_button(page, title: str):
    """The button that marks the checklist item `title` as not done."""
    return page.get_by_role("button", name=f"Mark ‘{title}’ as not done")


def log_in(page, live_server, username: str = "ada") -> None:
    """Log a learner in through the login form: they land on their dashboard."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/progress/")


@pytest.fixture
def axe_report():
    """The page's accessibility violations as axe reports them, or "" when there are none."""

    def report(page) -> str:
        results = AXE.run(page)
        return results.generate_report() if results.violations_count else ""

    return report


@pytest.fixture
def assert_accessible(axe_report):
    def check(page) -> None:
        assert axe_report(page) == ""

    return check


@pytest.fixture
def mark_document():
    """Tag a page's document and return the check that it is still the same document
    (an htmx swap keeps the tag, a full page load loses it)."""

    def mark(page):
        page.evaluate("document.documentElement.dataset.loadedOnce = 'yes'")
        return lambda: page.evaluate("document.documentElement.dataset.loadedOnce === 'yes'")

    return mark


@pytest.fixture
def tab_to():
    """Press Tab until `target` has the focus; fail, naming it, if it never does."""

    def press_until_focused(page, target, *, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("element => element === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {target}")

    return press_until_focused


@pytest.fixture
def no_js_page(browser, live_server):
    """A page of a browser context with JavaScript turned off."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()
