"""Every change to the content is recorded with a reason, and a revert says what it did."""

from http import HTTPStatus

from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from guide.models import ChecklistItem, Resource, Skill
from tests.factories import MODELS, change_url, form_data, make_resource


def reasons(row) -> list[str]:
    return list(row.history.values_list("history_change_reason", flat=True))


def test_loading_the_fixture_records_why(db):
    call_command("load_guide", verbosity=0)
    for model in MODELS:
        assert set(model.history.values_list("history_change_reason", flat=True)) == {
            "Loaded from the fixture file"
        }, model


def test_an_edit_records_what_changed(editor_client, content):
    skill = Skill.objects.get(slug="pandas")
    editor_client.post(change_url(skill), form_data(skill, name="pandas", description="Tables."))
    assert skill.history.first().history_change_reason == "Edited in the admin: name, description"


def test_a_revert_says_which_version_came_back(editor_client, editor, content):
    call_command("load_guide", verbosity=0)
    skill = Skill.objects.get(slug="pandas")
    editor_client.post(change_url(skill), form_data(skill, name="pandas (the library)"))
    editor_client.get(reverse("admin:index"))  # shows (and clears) the edit's message
    original = skill.history.get(name="Pandas")
    when = date_format(timezone.localtime(original.history_date), "j F Y, H:i")

    url = reverse("admin:guide_skill_simple_history", args=[skill.pk, original.pk])
    response = editor_client.post(url, form_data(original.instance))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == change_url(skill)
    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == [f"Reverted “Pandas” to the version of {when}."]
    assert "changed successfully" not in " ".join(messages)
    latest = skill.history.first()
    assert latest.name == "Pandas"
    assert latest.history_change_reason == f"Reverted to the version of {when}"
    assert latest.history_user == editor

    history = editor_client.get(reverse("admin:guide_skill_history", args=[skill.pk])).text
    assert f"Reverted to the version of {when}" in history
    assert "Edited in the admin: name" in history
    assert "Loaded from the fixture file" in history
    assert "None" not in history


def test_rows_edited_inline_and_deleted_record_why(editor_client, content):
    item = ChecklistItem.objects.get(slug="data-analysis-sql")
    (resource,) = item.resources.all()
    prefix = "resources-"
    data = form_data(item) | {
        f"{prefix}TOTAL_FORMS": 2,
        f"{prefix}INITIAL_FORMS": 1,
        f"{prefix}0-id": resource.pk,
        f"{prefix}0-item": item.pk,
        f"{prefix}0-title": resource.title,
        f"{prefix}0-slug": resource.slug,
        f"{prefix}0-position": resource.position,
        f"{prefix}0-kind": resource.kind,
        f"{prefix}0-url": resource.url,
        f"{prefix}0-published": "on",
        f"{prefix}0-DELETE": "on",
        f"{prefix}1-item": item.pk,
        f"{prefix}1-title": "SQLite documentation",
        f"{prefix}1-slug": "data-analysis-sql--sqlite",
        f"{prefix}1-position": 2,
        f"{prefix}1-kind": "documentation",
        f"{prefix}1-url": "https://www.sqlite.org/docs.html",
        f"{prefix}1-published": "on",
    }
    response = editor_client.post(change_url(item), data)
    assert response.status_code == HTTPStatus.FOUND
    assert reasons(Resource.objects.get(slug="data-analysis-sql--sqlite")) == [
        "Added in the admin"
    ]
    deleted = Resource.history.filter(id=resource.pk).first()
    assert (deleted.history_type, deleted.history_change_reason) == ("-", "Deleted in the admin")

    doomed = make_resource(item)
    editor_client.post(reverse("admin:guide_resource_delete", args=[doomed.pk]), {"post": "yes"})
    assert reasons(doomed)[0] == "Deleted in the admin"


def test_changes_made_outside_the_admin_are_named_by_what_they_did(content):
    item = ChecklistItem.objects.get(slug="data-analysis-sql")
    resource = make_resource(item)
    resource.title = "Renamed"
    resource.save()
    pk = resource.pk
    resource.delete()
    records = Resource.history.filter(id=pk)
    assert list(records.values_list("history_change_reason", flat=True)) == [
        "Deleted",
        "Changed",
        "Added",
    ]
