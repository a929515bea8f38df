"""Readers on a 320/390 px phone and a 1280 px desktop (issue 12, items 8 to 12)."""

import re

import pytest
from playwright.sync_api import expect

from guide.models import RoadmapStage
from tests.factories import site_urls

NARROW = {"width": 320, "height": 640}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

HEIGHTS = """selector => [...document.querySelectorAll(selector)]
  .map(element => element.getBoundingClientRect().height)"""


def test_no_reading_page_scrolls_sideways_at_320_px(page, live_server, content):
    page.set_viewport_size(NARROW)
    urls = [*site_urls(), "/search/?q=docker", "/skills/?stage=99", "/career/?years=5"]
    for url in urls:
        page.goto(live_server.url + url)
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(element =>"
            " element.getBoundingClientRect().right > window.innerWidth + 0.5"
            " && !element.closest('.site-nav ul')).map(element => element.outerHTML.slice(0, 80))"
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            url,
            wide,
        )
        # No table is cut by its scroll box either: every figure is on the page.
        hidden = page.evaluate(
            "[...document.querySelectorAll('.table-wrap')]"
            ".map(box => box.scrollWidth - box.clientWidth)"
        )
        assert all(width <= 0 for width in hidden), (url, hidden)


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP])
def test_the_salary_chart_labels_are_readable(page, live_server, content, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/salaries/")
    sizes = page.evaluate(
        "[...document.querySelectorAll('.chart-label, .chart-tick')]"
        ".filter(element => element.textContent.trim())"
        ".map(element => parseFloat(getComputedStyle(element).fontSize))"
    )
    assert len(sizes) == 5 + 6  # five levels, six dollar ticks
    assert min(sizes) >= 12
    # As drawn, not only as styled: a label's box is as tall as its text.
    heights = page.evaluate(HEIGHTS, ".chart-tick")
    assert min(heights) >= 12
    # Every bar and every tick label lies inside the page.
    rights = page.evaluate(
        "[...document.querySelectorAll('.chart-bar, .chart-tick, .chart-arrow')]"
        ".map(element => element.getBoundingClientRect().right)"
    )
    assert max(rights) <= viewport["width"]
    expect(page.locator(".salary-table")).to_contain_text("$80,000 – $120,000")


@pytest.mark.parametrize(("viewport", "account"), [(PHONE, 32), (DESKTOP, 44)])
def test_tap_targets_are_tall_enough(page, live_server, content, viewport, account):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/skills/")
    for selector, least in [
        (".breadcrumbs a", 44),
        (".site-footer a", 44),
        (".account-nav a", account),
    ]:
        heights = page.evaluate(HEIGHTS, selector)
        assert heights and min(heights) >= least, (selector, heights)


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP])
def test_the_header_search_shows_its_whole_placeholder(page, live_server, content, viewport):
    page.set_viewport_size(viewport)
    page.goto(live_server.url + "/")
    room, text = page.evaluate(
        """() => {
          const input = document.querySelector('#site-search-q');
          const style = getComputedStyle(input);
          const context = document.createElement('canvas').getContext('2d');
          context.font = style.font;
          const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
          return [input.clientWidth - padding, context.measureText(input.placeholder).width];
        }"""
    )
    assert text <= room


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_linked_skill_is_marked_and_clear_of_the_top(
    browser, live_server, content, scheme, assert_accessible
):
    context = browser.new_context(viewport=PHONE, color_scheme=scheme, reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + "/skills/#skill-docker")
    docker = page.locator("#skill-docker")
    kubernetes = page.locator("#skill-kubernetes")
    marked = docker.evaluate("element => getComputedStyle(element).backgroundColor")
    plain = kubernetes.evaluate("element => getComputedStyle(element).backgroundColor")
    page_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert marked not in (plain, page_background, "rgba(0, 0, 0, 0)")
    assert docker.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    top = docker.evaluate("element => element.getBoundingClientRect().top")
    assert 16 <= top <= 40
    assert_accessible(page)
    context.close()


def test_results_come_into_view_after_a_choice_on_a_phone(page, live_server, content):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/skills/")
    status = page.locator("#result-count")
    before = status.evaluate("element => element.getBoundingClientRect().top")
    page.get_by_label("Category", exact=True).focus()
    page.get_by_label("Category", exact=True).select_option("mlops")
    expect(status).to_have_text("5 skills found")
    page.wait_for_function(
        "() => { const top = document.getElementById('result-count')"
        ".getBoundingClientRect().top; return top >= 0 && top < innerHeight * 0.4 }"
    )
    after = status.evaluate("element => element.getBoundingClientRect().top")
    assert after < before
    expect(page.get_by_label("Category", exact=True)).to_be_focused()


def test_a_choice_on_the_desktop_scrolls_nothing(page, live_server, content):
    page.set_viewport_size(DESKTOP)
    page.goto(live_server.url + "/skills/")
    page.get_by_label("Category", exact=True).select_option("mlops")
    expect(page.locator("#result-count")).to_have_text("5 skills found")
    page.wait_for_timeout(300)
    assert page.evaluate("window.scrollY") == 0


def test_one_back_press_leaves_the_filtered_page_on_a_phone(page, live_server, content):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    page.goto(live_server.url + "/skills/")
    page.get_by_label("Category", exact=True).select_option("mlops")
    expect(page.locator("#result-count")).to_have_text("5 skills found")
    page.get_by_label("Taught in stage").select_option("6")
    expect(page).to_have_url(re.compile(r"category=mlops&stage=6"))
    page.get_by_label("Name or description").fill("dock")
    expect(page.locator("#result-count")).to_have_text("1 skill found")
    page.go_back()
    expect(page).to_have_url(live_server.url + "/")


def test_the_home_page_starts_reading_on_the_first_screen(page, live_server, content):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    start = page.get_by_role("link", name="Start reading")
    assert start.evaluate("element => element.getBoundingClientRect().bottom") <= PHONE["height"]
    contents = page.locator("#contents-heading")
    about = page.locator("#about-heading")
    assert contents.bounding_box()["y"] < about.bounding_box()["y"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_readers_pages_stay_accessible(page, live_server, content, scheme, assert_accessible):
    RoadmapStage.objects.filter(number=4).update(published=False)
    page.emulate_media(color_scheme=scheme)
    for viewport in (NARROW, DESKTOP):
        page.set_viewport_size(viewport)
        for url in [
            "/",
            "/salaries/",
            "/career/",
            "/skills/?stage=4",
            "/search/?q=kubernetes+cost",
        ]:
            page.goto(live_server.url + url)
            assert_accessible(page)


def test_a_link_to_a_hidden_stage_explains_and_clears_without_javascript(
    no_js_page, live_server, content
):
    RoadmapStage.objects.filter(number=4).update(published=False)
    page = no_js_page
    response = page.goto(f"{live_server.url}/skills/?stage=4")
    assert response.status == 400
    expect(page.locator(".error-summary")).to_contain_text("Stage 4 is not in the guide now.")
    expect(page.locator("#result-count")).to_have_text(
        "Nothing shown: part of this link is no longer in the guide."
    )
    page.get_by_role("link", name="Clear “Taught in stage”").click()
    expect(page).to_have_url(f"{live_server.url}/skills/")
    expect(page.locator("#result-count")).to_have_text("34 skills")
