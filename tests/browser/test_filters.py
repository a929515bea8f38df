"""Filters and search in a real browser, with htmx and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect


def test_filtering_swaps_results_and_updates_the_url(
    page, live_server, content, mark_document, assert_accessible
):
    page.goto(f"{live_server.url}/")
    page.goto(f"{live_server.url}/skills/")
    still_same_document = mark_document(page)
    status = page.locator("#result-count")
    expect(status).to_have_text("34 skills")

    page.get_by_label("Category", exact=True).select_option("mlops")
    expect(status).to_have_text("5 skills found")
    expect(page).to_have_url(re.compile(r"/skills/\?category=mlops"))
    expect(page.locator("#results")).to_contain_text("Kubernetes")
    expect(page.locator("#results")).not_to_contain_text("Pandas")
    assert still_same_document()
    assert_accessible(page)

    page.get_by_label("Name or description").fill("dock")
    expect(status).to_have_text("1 skill found")
    expect(page).to_have_url(re.compile(r"category=mlops.*q=dock"))
    assert still_same_document()
    assert_accessible(page)

    page.reload()
    expect(status).to_have_text("1 skill found")
    expect(page.get_by_label("Category", exact=True)).to_have_value("mlops")
    expect(page.locator(".site-header")).to_be_visible()

    # Choosing replaced the address each time: one Back leaves the page.
    page.go_back()
    expect(page).to_have_url(f"{live_server.url}/")


def test_only_submitting_the_form_adds_a_history_entry(page, live_server, content):
    page.goto(f"{live_server.url}/skills/")
    entries = page.evaluate("history.length")
    category = page.get_by_label("Category", exact=True)
    category.focus()
    for _ in range(3):  # arrowing through the options: a request each, no history entry
        page.keyboard.press("ArrowDown")
    expect(page).to_have_url(re.compile(r"/skills/\?category="))
    page.get_by_label("Name or description").fill("a")
    expect(page).to_have_url(re.compile(r"q=a"))
    assert page.evaluate("history.length") == entries
    page.get_by_role("button", name="Show results").click()
    expect(page).to_have_url(re.compile(r"q=a"))
    page.wait_for_function(f"history.length === {entries + 1}")


def test_htmx_swaps_a_400_into_the_results_region(
    page, live_server, content, mark_document, assert_accessible
):
    page.goto(f"{live_server.url}/skills/")
    still_same_document = mark_document(page)
    # A crafted address: the form itself cannot produce it.
    page.evaluate("htmx.ajax('GET', '/skills/?stage=abc', {target: '#results'})")
    expect(page.locator("#results")).to_contain_text("There is no roadmap stage “abc”")
    expect(page.locator("#result-count")).to_have_text("Nothing shown: check the filters.")
    assert still_same_document()
    assert_accessible(page)


def test_correcting_a_bad_address_swaps_in_results(
    page, live_server, content, mark_document, assert_accessible
):
    response = page.goto(f"{live_server.url}/career/?years=-2")
    assert response.status == 400
    expect(page.locator(".error-summary")).to_contain_text("cannot be negative")
    assert_accessible(page)
    still_same_document = mark_document(page)
    page.get_by_label("Years of experience").fill("5")
    expect(page.locator("#result-count")).to_have_text("2 career levels found")
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page).to_have_url(f"{live_server.url}/career/?years=5")
    assert still_same_document()


@pytest.mark.parametrize(
    ("path", "label", "value", "expected"),
    [
        ("/certifications/", "Provider", "aws", "1 certification found"),
        ("/projects/", "Skill", "pytorch", "2 projects found"),
        ("/salaries/", "Experience level", "senior-level", "1 salary band found"),
    ],
)
def test_each_filter_page_swaps_and_stays_accessible(
    page, live_server, content, path, label, value, expected, mark_document, assert_accessible
):
    page.goto(live_server.url + path)
    still_same_document = mark_document(page)
    page.get_by_label(label, exact=True).select_option(value)
    expect(page.locator("#result-count")).to_have_text(expected)
    expect(page).to_have_url(re.compile(rf"\?.*{value}"))
    assert still_same_document()
    assert_accessible(page)


def test_filters_work_without_javascript(no_js_page, live_server, content):
    page = no_js_page
    page.goto(f"{live_server.url}/skills/")
    page.get_by_label("Category", exact=True).select_option("deep-learning")
    page.get_by_label("Taught in stage").select_option("4")
    page.get_by_role("button", name="Show results").click()
    expect(page).to_have_url(re.compile(r"category=deep-learning&stage=4"))
    expect(page.locator("#result-count")).to_have_text("5 skills found")
    page.get_by_role("link", name="Remove filter Category: Deep Learning").click()
    expect(page).to_have_url(f"{live_server.url}/skills/?stage=4")
    page.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(f"{live_server.url}/skills/")
    expect(page.locator("#result-count")).to_have_text("34 skills")


def test_bad_filter_without_javascript_is_a_400_page_with_the_form(
    no_js_page, live_server, content
):
    page = no_js_page
    response = page.goto(f"{live_server.url}/skills/?stage=abc")
    assert response.status == 400
    expect(page.locator(".error-summary")).to_contain_text("There is no roadmap stage “abc”")
    page.get_by_role("link", name="Taught in stage", exact=True).click()
    expect(page.get_by_label("Taught in stage")).to_be_focused()


def test_search_without_javascript(no_js_page, live_server, content):
    page = no_js_page
    page.goto(f"{live_server.url}/career/")
    page.get_by_role("searchbox", name="Search the guide").fill("kubernetes")
    page.get_by_role("searchbox", name="Search the guide").press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=kubernetes")
    first = page.locator(".hits li").first
    expect(first).to_contain_text("Kubernetes")
    first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/skills/#skill-kubernetes$"))


def test_live_search_from_the_header(page, live_server, content, mark_document, assert_accessible):
    page.goto(f"{live_server.url}/roadmap/")
    still_same_document = mark_document(page)
    box = page.get_by_role("searchbox", name="Search the guide")
    box.press_sequentially("xgboo", delay=30)
    panel = page.locator("#site-search-results")
    expect(panel.locator(".live__hits a").first).to_contain_text("XGBoost")
    assert still_same_document()
    assert_accessible(page)
    box.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/search/?q=xgboo")
    expect(page.locator("mark").first).to_have_text(re.compile("xgboo", re.IGNORECASE))


def test_search_page_updates_as_one_types(
    page, live_server, content, mark_document, assert_accessible
):
    page.goto(f"{live_server.url}/search/")
    still_same_document = mark_document(page)
    page.locator("#id_q").fill("drift")
    expect(page.locator("#result-count")).to_have_text(re.compile(r"\d+ results? found"))
    expect(page).to_have_url(f"{live_server.url}/search/?q=drift")
    expect(page.locator(".hits")).to_contain_text("Data drift")
    assert still_same_document()
    assert_accessible(page)


def test_a_failed_request_says_so(page, live_server, content):
    page.goto(f"{live_server.url}/skills/")
    page.route("**/skills/?*", lambda route: route.fulfill(status=500, body="boom"))
    page.get_by_label("Category", exact=True).select_option("cloud")
    expect(page.locator("#result-count")).to_have_text(
        "The results could not be loaded. Check your connection and try again."
    )
    expect(page.locator("#results")).to_contain_text("Pandas")


def test_live_results_close_with_escape_and_a_click_elsewhere(page, live_server, content):
    page.goto(f"{live_server.url}/")
    box = page.get_by_role("searchbox", name="Search the guide")
    panel = page.locator("#site-search-results")
    box.fill("docker")
    expect(panel.locator(".live__hits a").first).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    expect(panel).to_be_empty()
    expect(box).to_be_focused()
    box.fill("kubernetes")
    expect(panel.locator(".live__hits a").first).to_be_visible()
    page.locator("h1").click()
    expect(panel).to_be_empty()
