"""An editor's round trip in a real browser: log in, change a salary band, see it live."""

from django.core.management import call_command
from playwright.sync_api import expect

from guide.models import Skill

PASSWORD = "an editor's passphrase"  # edith's, from conftest


def test_an_editor_changes_a_salary_band_and_readers_see_it(page, live_server, editor, content):
    call_command("load_guide", verbosity=0)  # as `make run` does: the history starts here
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Keep the guide current")).to_be_visible()

    page.get_by_role("link", name="Salary bands").click()
    page.locator("#result_list").get_by_role("link", name="Entry-Level").click()
    page.get_by_label("Maximum (US dollars)").fill("125000")
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    reader = page.context.browser.new_page()
    reader.goto(f"{live_server.url}/salaries/")
    expect(reader.locator("#salary-entry-level")).to_contain_text("$80,000 – $125,000")
    reader.close()

    page.locator("#result_list").get_by_role("link", name="Entry-Level").click()
    page.locator(".object-tools").get_by_role("link", name="History", exact=True).click()
    expect(page.locator("#change-history")).to_contain_text("edith")
    expect(page.locator("#change-history")).to_contain_text("120000")
    expect(page.locator("#change-history")).to_contain_text("125000")
    expect(page.locator("#change-history")).to_contain_text("Loaded from the fixture file")


def test_an_editor_sees_drafts_marked_and_accessible(
    page, live_server, editor, content, assert_accessible
):
    Skill.objects.filter(slug="scala").update(published=False)
    page.goto(f"{live_server.url}/admin/login/?next=/skills/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/skills/")
    expect(page.locator(".editor-banner")).to_be_visible()
    expect(page.locator("#skill-scala .draft-badge")).to_have_text("Draft")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)


def test_the_history_page_breaks_no_content_security_rule(page, live_server, editor, content):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    skill = Skill.objects.get(slug="scala")
    skill.save()  # a version to list
    page.goto(f"{live_server.url}/admin/guide/skill/{skill.pk}/history/")
    expect(page.locator("p.paginator")).to_be_attached()
    assert errors == []
