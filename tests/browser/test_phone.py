"""The header on a 390 px wide phone: compact, every link reachable by keyboard, axe clean."""

import pytest
from playwright.sync_api import expect

PHONE = {"width": 390, "height": 844}
HEADER_LIMIT = 140  # pixels before any content (it was 204 with every link wrapping)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_phone_header_is_compact_and_accessible(
    page, live_server, content, scheme, assert_accessible
):
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme=scheme)
    for url in ["/", "/skills/", "/guide/essential-skills/", "/roadmap/"]:
        page.goto(live_server.url + url)
        height = page.evaluate("document.querySelector('.site-header').offsetHeight")
        assert height <= HEADER_LIMIT, (url, height)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert_accessible(page)


def test_every_header_link_is_reached_by_tab_and_scrolled_into_view(
    page, live_server, content, tab_to
):
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + "/")
    links = page.locator(".site-nav a")
    assert links.count() == 8
    for index in range(links.count()):
        link = links.nth(index)
        tab_to(page, link)
        expect(link).to_be_focused()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, index
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + "/progress/")
