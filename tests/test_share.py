"""Public progress links: opt-in, unguessable, turned off or replaced at once, and showing
nothing private (notes, email, username)."""

import json
import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from guide import progress as rules
from guide.models import ChecklistItem, ProgressShare, RoadmapStage
from tests.conftest import PASSWORD
from tests.factories import DASHBOARD, tick_stage

SHARE = reverse("guide:share-progress")


def share_path(client) -> str:
    """The public link the dashboard shows its owner."""
    text = client.get(DASHBOARD).text
    found = re.findall(r'<a href="(/shared/[\w-]+/)">http://testserver/shared/[\w-]+/</a>', text)
    assert len(found) == 1
    return found[0]


@pytest.fixture
def grace(db):
    """Another learner."""
    return get_user_model().objects.create_user("grace", "grace@example.org", PASSWORD)


def test_the_link_is_off_until_the_learner_turns_it_on(ada_client, ada, content):
    text = ada_client.get(DASHBOARD).text
    assert "Turn on a public link" in text
    assert "/shared/" not in text
    assert not ProgressShare.objects.exists()


def test_owner_turns_it_on_and_anyone_with_the_link_sees_the_progress(
    ada_client, ada, client, content, grace
):
    tick_stage(ada, 1)
    rules.save_note(user=ada, stage=RoadmapStage.objects.get(number=1), text="my secret note")
    response = ada_client.post(SHARE, {"enabled": "1", "display_name": "Ada L."})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{DASHBOARD}#share"
    path = share_path(ada_client)
    assert len(path.split("/")[2]) >= 40  # an unguessable token

    anonymous = client.__class__()
    page = anonymous.get(path)
    assert page.status_code == HTTPStatus.OK
    assert "Ada L.’s progress" in page.text
    stage_one = RoadmapStage.objects.get(number=1)
    assert f"{stage_one.items.count()} of {stage_one.items.count()} done, completed" in page.text
    for private in ["my secret note", "ada@example.org", ">ada<", "Log out"]:
        assert private not in page.text
    assert '<meta name="robots" content="noindex">' in page.text
    assert page["X-Robots-Tag"] == "noindex"
    assert "no-store" in page["Cache-Control"]
    assert "Set-Cookie" not in page.headers

    other = client.__class__()
    other.force_login(grace)
    assert other.get(path).status_code == HTTPStatus.OK
    assert "Ada L.’s progress" in other.get(path).text


def test_a_new_tick_shows_at_once(ada_client, ada, client, content):
    ada_client.post(SHARE, {"enabled": "1"})
    path = share_path(ada_client)
    assert "A learner’s progress" in client.get(path).text
    before = client.get(path).text
    item = ChecklistItem.objects.published().first()
    rules.set_item_done(owner={"user": ada}, item=item, done=True)
    after = client.get(path).text
    assert before.split('id="shared-overall-text">')[1].startswith("0 of")
    assert after.split('id="shared-overall-text">')[1].startswith("1 of")


def test_turning_it_off_stops_the_link_at_once(ada_client, client, content):
    ada_client.post(SHARE, {"enabled": "1"})
    path = share_path(ada_client)
    assert client.get(path).status_code == HTTPStatus.OK
    assert ada_client.post(SHARE, {"enabled": "0"}).status_code == HTTPStatus.FOUND
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    assert "/shared/" not in ada_client.get(DASHBOARD).text


def test_a_new_link_replaces_the_old(ada_client, client, content):
    ada_client.post(SHARE, {"enabled": "1", "display_name": "Ada"})
    old = share_path(ada_client)
    ada_client.post(SHARE, {"enabled": "1", "renew": "on", "display_name": "Ada"})
    new = share_path(ada_client)
    assert new != old
    assert client.get(old).status_code == HTTPStatus.NOT_FOUND
    assert client.get(new).status_code == HTTPStatus.OK
    assert ProgressShare.objects.count() == 1


def test_only_a_signed_in_learner_may_share_and_only_their_own(ada_client, client, grace, content):
    anonymous = client.__class__()
    response = anonymous.post(SHARE, {"enabled": "1"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("guide:login"))
    assert not ProgressShare.objects.exists()
    ada_client.post(SHARE, {"enabled": "1"})
    path = share_path(ada_client)
    other = client.__class__()
    other.force_login(grace)
    other.post(SHARE, {"enabled": "0"})  # grace turns off her own link, not ada's
    other.post(SHARE, {"enabled": "1", "renew": "on"})
    assert anonymous.get(path).status_code == HTTPStatus.OK
    owners = ProgressShare.objects.order_by("user__username").values_list("user__username")
    assert [owner for (owner,) in owners] == ["ada", "grace"]


@pytest.mark.parametrize(
    "data", [{}, {"enabled": "2"}, {"enabled": "1", "display_name": "x" * 81}]
)
def test_bad_share_requests_answer_400(ada_client, content, data):
    response = ada_client.post(SHARE, data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The link could not be changed" in response.text
    assert not ProgressShare.objects.exists()


def test_unknown_tokens_answer_404(client, content):
    assert client.get(reverse("guide:shared-progress", args=["nope"])).status_code == 404


def test_drafts_stay_off_the_public_page(ada_client, ada, client, content):
    ada_client.post(SHARE, {"enabled": "1"})
    stage = RoadmapStage.objects.get(number=2)
    stage.published = False
    stage.save()
    text = client.get(share_path(ada_client)).text
    assert stage.title not in text


def test_deleting_the_account_removes_the_link(ada_client, ada, client, content):
    ada_client.post(SHARE, {"enabled": "1"})
    path = share_path(ada_client)
    ada.delete()
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_the_data_export_names_the_link_while_it_is_on(ada_client, content):
    export = reverse("guide:export-json")
    assert json.loads(ada_client.get(export).content)["public_link"] is None
    ada_client.post(SHARE, {"enabled": "1", "display_name": "Ada"})
    link = json.loads(ada_client.get(export).content)["public_link"]
    assert link["path"] == share_path(ada_client)
    assert link["display_name"] == "Ada"
    ada_client.post(SHARE, {"enabled": "0"})
    assert json.loads(ada_client.get(export).content)["public_link"] is None
