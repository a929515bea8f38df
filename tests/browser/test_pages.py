"""Every page in a real browser: accessible in both colour schemes, self-contained, usable."""

import pytest
from playwright.sync_api import expect

from tests.factories import site_urls


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_has_zero_axe_violations(page, live_server, content, scheme, axe_report):
    page.emulate_media(color_scheme=scheme)
    violations = {}
    for url in site_urls() + ["/no-such-page/"]:
        page.goto(live_server.url + url)
        if report := axe_report(page):
            violations[url] = report
    assert violations == {}


def test_pages_make_no_third_party_requests_and_log_no_errors(page, live_server, content):
    requests, problems = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: msg.type in {"error", "warning"} and problems.append(msg.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    for url in site_urls():
        page.goto(live_server.url + url)
    assert len(requests) > len(site_urls())
    assert [url for url in requests if not url.startswith(live_server.url)] == []
    assert problems == []


def test_htmx_loads_under_the_csp_without_injecting_styles(page, live_server, content):
    page.goto(live_server.url + "/")
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.historyRestoreAsHxRequest") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0


def test_dark_scheme_changes_the_colours(page, live_server, content):
    page.goto(live_server.url + "/skills/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light != dark


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page, live_server, content):
    page.goto(live_server.url + "/roadmap/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_keyboard_reaches_the_next_section(page, live_server, content, tab_to):
    page.goto(live_server.url + "/guide/introduction/")
    next_link = page.locator("a[rel=next]")
    tab_to(page, next_link)
    expect(next_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/guide/what-is-a-machine-learning-engineer/")


@pytest.mark.parametrize("url", ["/", "/skills/", "/salaries/", "/roadmap/", "/career/"])
def test_phone_width_has_no_horizontal_scroll(page, live_server, content, url):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + url)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
