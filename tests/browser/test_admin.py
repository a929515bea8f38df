"""An editor's round trip in a real browser: log in, change a salary band, see it live."""

from django.core.management import call_command
from playwright.sync_api import expect

from guide.models import Skill
from tests.conftest import EDITOR_PASSWORD


def log_in_as_editor(page, live_server, next_url: str = "/admin/") -> None:
    """Log Edith in through the admin's login form, on to `next_url`."""
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label("Username").fill("edith")
    page.get_by_label("Password").fill(EDITOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_changes_a_salary_band_and_readers_see_it(page, live_server, editor, content):
    call_command("load_guide", verbosity=0)  # as `make run` does: the history starts here
    log_in_as_editor(page, live_server)
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
    log_in_as_editor(page, live_server, "/skills/")
    expect(page).to_have_url(f"{live_server.url}/skills/")
    expect(page.locator(".editor-banner")).to_be_visible()
    expect(page.locator("#skill-scala .draft-badge")).to_have_text("Draft")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)


def test_the_history_page_breaks_no_content_security_rule(page, live_server, editor, content):
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    log_in_as_editor(page, live_server)
    skill = Skill.objects.get(slug="scala")
    skill.save()  # a version to list
    page.goto(f"{live_server.url}/admin/guide/skill/{skill.pk}/history/")
    expect(page.locator("p.paginator")).to_be_attached()
    assert errors == []


def test_an_editor_writes_markdown_previews_it_and_reverts_it(page, live_server, editor, content):
    call_command("load_guide", verbosity=0)
    log_in_as_editor(page, live_server, "/skills/")
    page.locator(".editor-banner").get_by_role("link", name="Edit the skills").click()
    page.locator("#result_list").get_by_role("link", name="Docker", exact=True).click()
    expect(page.get_by_text("Plain text on one line").first).to_be_visible()
    page.get_by_label("Description").fill(
        "Packages apps into **portable containers**, see [the docs](https://docs.docker.com/)."
        "\n\n- build\n- ship"
    )
    page.get_by_role("button", name="Save and continue editing").first.click()
    preview = page.locator(".markdown-preview")
    expect(preview.locator("strong")).to_have_text("portable containers")
    expect(preview.get_by_role("link", name="the docs")).to_have_attribute(
        "href", "https://docs.docker.com/"
    )
    expect(preview.locator("li")).to_have_count(2)

    reader = page.context.browser.new_page()
    reader.goto(f"{live_server.url}/skills/")
    docker = reader.locator("#skill-docker")
    expect(docker.locator("strong")).to_have_text("portable containers")
    expect(docker).not_to_contain_text("**")
    reader.close()

    page.locator(".object-tools").get_by_role("link", name="History", exact=True).click()
    history = page.locator("#change-history")
    expect(history).to_contain_text("Edited in the admin: description")
    expect(history).not_to_contain_text("None")
    history.get_by_role("row").filter(has_text="Loaded from the fixture file").get_by_role(
        "link"
    ).click()
    page.get_by_role("button", name="Revert").first.click()
    expect(page.locator(".messagelist")).to_contain_text("Reverted “Docker” to the version of")
    expect(page.locator(".messagelist")).not_to_contain_text("changed successfully")
    expect(page.get_by_label("Description")).to_have_value(
        "Packages an application and its dependencies into portable containers."
    )


def test_resources_on_a_stage_page_are_accessible(page, live_server, content, assert_accessible):
    page.goto(f"{live_server.url}/roadmap/learn-deployment-and-mlops/")
    resources = page.locator("#item-mlops-docker-containers .resources")
    expect(resources.get_by_role("link", name="Docker documentation")).to_have_attribute(
        "href", "https://docs.docker.com/"
    )
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        assert_accessible(page)
