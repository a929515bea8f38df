"""Public progress links in a browser: turned on from the dashboard, read by a stranger,
accessible in light and dark."""

import pytest

from tests.browser.conftest import log_in
from tests.factories import tick_stage


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_share_a_link_and_read_it_elsewhere(
    browser, page, live_server, ada, content, scheme, assert_accessible
):
    tick_stage(ada, 1)
    page.emulate_media(color_scheme=scheme)
    log_in(page, live_server)
    page.goto(f"{live_server.url}/progress/")
    page.get_by_label("Name shown on your public page").fill("Ada L.")
    page.get_by_role("button", name="Turn on a public link").click()
    assert_accessible(page)
    link = page.locator("#share a[href^='/shared/']")
    url = live_server.url + link.get_attribute("href")

    stranger = browser.new_context(color_scheme=scheme)
    public = stranger.new_page()
    public.goto(url)
    assert public.get_by_role("heading", level=1).inner_text().startswith("Ada L.’s progress")
    assert_accessible(public)
    stranger.close()
