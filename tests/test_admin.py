"""Editors keep the guide current through the admin, and cannot break or leak anything."""

import json
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from guide.models import (
    ChecklistItem,
    Completion,
    ContentVersion,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    SearchSynonym,
    Section,
    Skill,
)
from guide.progress import set_item_done
from tests.factories import (
    CHANGES,
    FIXTURE,
    MODELS,
    change_url,
    form_data,
    site_urls,
    tick,
)

User = get_user_model()
PASSWORD = "an editor's passphrase"


def test_the_editors_group_may_change_content_and_nothing_else(db):
    permissions = Group.objects.get(name="Editors").permissions.all()
    assert {p.content_type.app_label for p in permissions} == {"guide"}
    models = {p.content_type.model for p in permissions}
    # The content, and the search synonyms editors keep beside it.
    kept = [*MODELS, SearchSynonym]
    assert models == {model._meta.model_name for model in kept}
    assert {p.codename.split("_")[0] for p in permissions} == {"add", "change", "view", "delete"}
    assert permissions.count() == 4 * len(kept)


def test_create_editor_without_questions(db, monkeypatch, capsys):
    monkeypatch.setenv("EDITOR_PASSWORD", PASSWORD)
    call_command("create_editor", "--no-input", "--username", "edith", "--email", "e@x.org")
    user = User.objects.get(username="edith")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]
    assert user.check_password(PASSWORD)
    with pytest.raises(CommandError, match="already an account"):
        call_command("create_editor", "--no-input", "--username", "edith")
    monkeypatch.setenv("EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_editor", "--no-input", "--username", "eve")


def test_create_editor_asks_its_questions(db, monkeypatch):
    answers = iter(["grace", "grace@example.org"])
    passwords = iter(["short", "short", PASSWORD, "typo", PASSWORD, PASSWORD])
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(passwords))
    call_command("create_editor")
    grace = User.objects.get(username="grace")
    assert grace.email == "grace@example.org" and grace.check_password(PASSWORD)


def test_an_editor_reaches_the_content_admin(editor_client, content):
    index = editor_client.get(reverse("admin:index"))
    assert index.status_code == HTTPStatus.OK
    for name in ("Skills", "Checklist items", "Salary bands", "Roadmap stages", "Sections"):
        assert name in index.text
    assert "Users" not in index.text and "Groups" not in index.text


@pytest.mark.parametrize(
    "url",
    [
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
        "admin:guide_completion_changelist",
        "admin:axes_accessattempt_changelist",
        "admin:auth_user_add",
    ],
)
def test_an_editor_gets_403_on_users_groups_and_progress(editor_client, url):
    assert editor_client.get(reverse(url)).status_code == HTTPStatus.FORBIDDEN


def test_editing_a_skill_item_and_band_shows_at_once(editor_client, client, content):
    skill = Skill.objects.get(slug="xgboost")
    response = editor_client.post(
        change_url(skill), form_data(skill, description="Gradient boosting, fast and accurate.")
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    item = ChecklistItem.objects.get(slug="mlops-model-serving")
    editor_client.post(change_url(item), form_data(item, title="Model serving at scale"))
    band = SalaryBand.objects.get(slug="entry-level")
    editor_client.post(change_url(band), form_data(band, min_usd=85_000))

    reader = client
    assert "Gradient boosting, fast and accurate." in reader.get("/skills/").text
    assert "Model serving at scale" in reader.get("/roadmap/learn-deployment-and-mlops/").text
    assert "$85,000 – $120,000" in reader.get("/salaries/").text


def test_history_records_who_changed_what_and_restores_it(editor_client, editor, content):
    call_command("load_guide", verbosity=0)  # as `make run` does: records the loaded state
    skill = Skill.objects.get(slug="pandas")
    editor_client.post(change_url(skill), form_data(skill, name="pandas (the library)"))
    history = editor_client.get(reverse("admin:guide_skill_history", args=[skill.pk]))
    assert history.status_code == HTTPStatus.OK
    assert "edith" in history.text
    assert "Loaded from the fixture file" in history.text
    assert "Pandas" in history.text and "pandas (the library)" in history.text  # the change

    original = skill.history.get(name="Pandas")
    restore_url = reverse("admin:guide_skill_simple_history", args=[skill.pk, original.pk])
    page = editor_client.get(restore_url)
    assert page.status_code == HTTPStatus.OK and "Revert" in page.text
    response = editor_client.post(restore_url, form_data(original.instance))
    assert response.status_code == HTTPStatus.FOUND
    skill.refresh_from_db()
    assert skill.name == "Pandas"
    assert skill.history.first().history_user == editor


@pytest.mark.parametrize(
    ("slug", "changes", "message"),
    [
        ("entry-level", {"min_usd": 200_000}, "The maximum must be at least the minimum"),
        ("entry-level", {"slug": "mid-level"}, "Salary band with this Slug already exists."),
        ("entry-level", {"position": 2}, "Salary band with this Position already exists."),
        ("entry-level", {"min_usd": -5}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_admin_edits_follow_the_fixture_rules(editor_client, content, slug, changes, message):
    band = SalaryBand.objects.get(slug=slug)
    response = editor_client.post(change_url(band), form_data(band, **changes))
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    band.refresh_from_db()
    assert (band.min_usd, band.slug, band.position) == (80_000, "entry-level", 1)


def test_duplicate_positions_in_a_stage_are_refused(editor_client, content):
    item = ChecklistItem.objects.get(slug="programming-functions")
    response = editor_client.post(change_url(item), form_data(item, position=1))
    assert response.status_code == HTTPStatus.OK
    assert "Checklist item with this Stage and Position already exists." in response.text


def test_a_ticked_item_cannot_be_deleted_and_learners_stay_private(editor_client, content):
    learner = User.objects.create_user("ada", password="x" * 12)
    item = ChecklistItem.objects.get(slug="programming-apis")
    set_item_done(owner={"user": learner}, item=item, done=True)
    delete_url = reverse("admin:guide_checklistitem_delete", args=[item.pk])
    page = editor_client.get(delete_url)
    assert "learners have ticked this on their roadmap" in page.text
    assert "Untick “Published” to hide it instead." in page.text
    assert "ada" not in page.text
    editor_client.post(delete_url, {"post": "yes"})
    assert ChecklistItem.objects.filter(pk=item.pk).exists()

    stage_url = reverse("admin:guide_roadmapstage_delete", args=[item.stage.pk])
    assert "learners have ticked this" in editor_client.get(stage_url).text
    editor_client.post(stage_url, {"post": "yes"})
    assert RoadmapStage.objects.filter(pk=item.stage.pk).exists()

    unticked = ChecklistItem.objects.get(slug="programming-functions")
    editor_client.post(
        reverse("admin:guide_checklistitem_delete", args=[unticked.pk]), {"post": "yes"}
    )
    assert not ChecklistItem.objects.filter(pk=unticked.pk).exists()
    assert Completion.objects.count() == 1


def test_drafts_are_hidden_from_readers_everywhere(editor_client, content):
    client = Client()  # a reader, beside the editor
    Skill.objects.filter(slug="xgboost").update(published=False)
    RoadmapStage.objects.filter(number=4).update(published=False)
    Section.objects.filter(slug="conclusion").update(published=False)

    reader_pages = {url: client.get(url) for url in ["/", "/skills/", "/roadmap/", "/projects/"]}
    for url, page in reader_pages.items():
        assert "XGBoost" not in page.text, url
        assert "Learn Deep Learning" not in page.text, url
        assert "Draft" not in page.text, url
    assert "Conclusion" not in reader_pages["/"].text
    assert client.get("/guide/conclusion/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/roadmap/learn-deep-learning/").status_code == HTTPStatus.NOT_FOUND
    assert client.get("/search/?q=xgboost").context["count"] == 0
    assert all(
        "Sentiment" not in str(hit.title)
        for hit in client.get("/search/?q=sentiment").context["hits"]
    )
    assert client.get("/skills/?stage=4").status_code == HTTPStatus.BAD_REQUEST
    assert tick(client, "deep-learning-sentiment-analysis").status_code == HTTPStatus.NOT_FOUND

    skills = editor_client.get("/skills/").text
    assert "XGBoost" in skills and '<span class="draft-badge">Draft</span>' in skills
    assert "Editor view: drafts are shown here" in skills
    stage = editor_client.get("/roadmap/learn-deep-learning/")
    assert stage.status_code == HTTPStatus.OK and "draft-badge" in stage.text
    assert editor_client.get("/guide/conclusion/").status_code == HTTPStatus.OK


def test_the_content_version_changes_on_save_delete_and_load(editor_client, content):
    start = ContentVersion.current().number
    band = SalaryBand.objects.get(slug="mid-level")
    band.max_usd = 190_000
    band.save()
    assert ContentVersion.current().number == start + 1
    Skill.objects.get(slug="scala").delete()
    assert ContentVersion.current().number == start + 2
    Skill.objects.get(slug="pandas").stages.clear()
    assert ContentVersion.current().number == start + 3
    call_command("load_guide", verbosity=0)
    assert ContentVersion.current().number == start + 4


def test_readers_revalidate_and_see_an_edit_on_their_next_request(client, content):
    first = client.get("/salaries/")
    etag = first["ETag"]
    assert client.get("/salaries/", HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED
    band = SalaryBand.objects.get(slug="senior-level")
    band.level = "Senior Level"
    band.save()
    again = client.get("/salaries/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.OK
    assert "Senior Level" in again.text and again["ETag"] != etag
    region = client.get("/salaries/", HTTP_HX_REQUEST="true")
    assert region["ETag"] != again["ETag"]


def page_text(client, url: str) -> str:
    """A page without its per-request CSRF tokens."""
    return re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', "", client.get(url).text)


def content_text(client, url: str) -> str:
    """A page without the dates of its history: reloading is itself a change, recorded."""
    text = page_text(client, url)
    text = re.sub(r'<p class="last-updated">.*?</p>', "", text, flags=re.S)
    return re.sub(r', "dateModified": "[^"]+"', "", text)


def test_export_and_load_into_an_empty_database_reproduce_the_site(client, content, tmp_path):
    Skill.objects.filter(slug="scala").update(published=False, description="A draft, kept.")
    # Every page but the list of changes, which shows the reload itself.
    urls = [url for url in site_urls() if url != CHANGES]
    before = {url: content_text(client, url) for url in urls}
    exported = tmp_path / "guide.json"
    call_command("export_guide", "--output", str(exported), verbosity=0)

    for model in reversed(MODELS):
        model.objects.all().delete()
    assert client.get("/skills/").context["count"] == 0
    call_command("load_guide", "--fixture", str(exported), verbosity=0)

    after = {url: content_text(client, url) for url in before}
    assert after == before
    again = tmp_path / "again.json"
    call_command("export_guide", "--output", str(again), verbosity=0)
    assert again.read_text() == exported.read_text()
    rows = json.loads(exported.read_text())
    assert all("pk" not in row for row in rows)
    assert {"model": "guide.skill"}.items() <= rows[
        [r["fields"]["slug"] for r in rows].index("scala")
    ].items()


def test_the_committed_fixture_is_what_export_writes(content, tmp_path):
    exported = tmp_path / "guide.json"
    call_command("export_guide", "--output", str(exported), verbosity=0)
    assert exported.read_text() == FIXTURE.read_text()


def test_markdown_is_previewed_after_saving(editor_client, content):
    section = Section.objects.get(slug="conclusion")
    section.body = "Some **bold** text <script>alert(1)</script>"
    section.save()
    page = editor_client.get(change_url(section))
    assert (
        '<div class="markdown-preview"><p>Some <strong>bold</strong> text </p></div>' in page.text
    )
    assert "<script>alert" not in page.text
    assert "Text boxes take Markdown: **bold**" in page.text
    content_type = ContentType.objects.get_for_model(Section)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, section.pk])
    assert f'href="{view_on_site}"' in page.text
    assert editor_client.get(view_on_site)["Location"].endswith("/guide/conclusion/")


def test_a_projects_skills_are_edited_inline(editor_client, content):
    project = PortfolioProject.objects.get(slug="resume-screening-tool")
    page = editor_client.get(change_url(project))
    assert "Skills it demonstrates" in page.text
    links = list(PortfolioProject.skills.through.objects.filter(portfolioproject=project))
    prefix = "PortfolioProject_skills-"
    data = form_data(project)
    data.pop("skills")
    data |= {
        f"{prefix}TOTAL_FORMS": len(links) + 1,
        f"{prefix}INITIAL_FORMS": len(links),
        f"{prefix}MIN_NUM_FORMS": 0,
        f"{prefix}MAX_NUM_FORMS": 1000,
    }
    for index, link in enumerate(links):
        data |= {
            f"{prefix}{index}-id": link.pk,
            f"{prefix}{index}-portfolioproject": project.pk,
            f"{prefix}{index}-skill": link.skill_id,
        }
    data |= {
        f"{prefix}{len(links)}-portfolioproject": project.pk,
        f"{prefix}{len(links)}-skill": Skill.objects.get(slug="large-language-models").pk,
    }
    response = editor_client.post(change_url(project), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    assert project.skills.filter(slug="large-language-models").exists()
    tag = '<a href="?skill=large-language-models">Large language models</a>'
    assert tag in Client().get("/projects/").text
