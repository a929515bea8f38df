"""The progress rules, without HTTP."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from guide import progress as rules
from guide.models import ChecklistItem, Completion, Guest, RoadmapStage, StageNote


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ada", password="correct horse battery")


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user("bob", password="correct horse battery")


def done(owner) -> dict[str, object]:
    """When each item the owner ticked (by slug) was ticked."""
    return dict(Completion.objects.filter(**owner).values_list("item__slug", "completed_at"))


def item(slug: str) -> ChecklistItem:
    return ChecklistItem.objects.get(slug=slug)


def stages() -> list[RoadmapStage]:
    return list(RoadmapStage.objects.published().with_items(drafts=False))


def test_ticking_is_idempotent_and_states_the_desired_state(content, user):
    owner = {"user": user}
    functions = item("programming-functions")
    for _ in range(3):
        rules.set_item_done(owner=owner, item=functions, done=True)
    assert Completion.objects.filter(user=user).count() == 1
    first = Completion.objects.get(user=user).completed_at
    rules.set_item_done(owner=owner, item=functions, done=True)
    assert Completion.objects.get(user=user).completed_at == first  # the first date stays
    for _ in range(2):
        rules.set_item_done(owner=owner, item=functions, done=False)
    assert not Completion.objects.filter(user=user).exists()


def test_a_stage_is_done_when_all_its_items_are(content, user):
    owner = {"user": user}
    stage = RoadmapStage.objects.get(number=2)
    for entry in stage.items.all()[:2]:
        rules.set_item_done(owner=owner, item=entry, done=True)
    progress = rules.roadmap_progress(owner=owner, stages=stages())
    second = progress.stages[1]
    assert (second.done_count, second.total, second.done, second.percent) == (2, 3, False, 67)
    assert second.completed_at is None

    rules.set_item_done(owner=owner, item=stage.items.last(), done=True)
    progress = rules.roadmap_progress(owner=owner, stages=stages())
    assert progress.stages[1].done
    assert (
        progress.stages[1].completed_at == Completion.objects.latest("completed_at").completed_at
    )
    assert (progress.done_count, progress.total, progress.percent) == (3, 28, 11)


def test_ticking_a_stage_ticks_every_item_and_unticking_clears_them(content, user):
    owner = {"user": user}
    stage = RoadmapStage.objects.get(number=3)
    rules.set_item_done(owner=owner, item=stage.items.first(), done=True)
    rules.set_stage_done(owner=owner, stage=stage, done=True, drafts=False)
    assert Completion.objects.filter(user=user).count() == stage.items.count() == 5
    rules.set_stage_done(owner=owner, stage=stage, done=False, drafts=False)
    assert not Completion.objects.filter(user=user).exists()


def test_next_up_is_the_first_unfinished_item(content, user):
    owner = {"user": user}
    progress = rules.roadmap_progress(owner=owner, stages=stages())
    assert progress.next_up.item.slug == "programming-variables-and-data-structures"
    rules.set_stage_done(
        owner=owner, stage=RoadmapStage.objects.get(number=1), done=True, drafts=False
    )
    progress = rules.roadmap_progress(owner=owner, stages=stages())
    assert progress.next_up.item.stage.number == 2
    for stage in RoadmapStage.objects.all():
        rules.set_stage_done(owner=owner, stage=stage, done=True, drafts=False)
    progress = rules.roadmap_progress(owner=owner, stages=stages())
    assert progress.next_up is None and progress.percent == 100


def test_users_do_not_share_progress(content, user, other):
    rules.set_item_done(owner={"user": user}, item=item("programming-apis"), done=True)
    assert done({"user": other}) == {}
    rules.reset(owner={"user": other})
    assert list(done({"user": user})) == ["programming-apis"]


def test_ticks_survive_reloading_reordering_renaming_and_rewording(content, user):
    owner = {"user": user}
    rules.set_item_done(owner=owner, item=item("ml-concepts-regression"), done=True)
    regression = item("ml-concepts-regression")
    stage = regression.stage
    # Reorder (positions swap through a free slot), rename and reword.
    last = stage.items.order_by("position").last()
    regression_position, last_position = regression.position, last.position
    regression.position = 99
    regression.save()
    last.position = regression_position
    last.save()
    regression.position = last_position
    regression.title = "Linear and logistic regression"
    regression.description = "Reworded."
    regression.save()
    call_command("load_guide", verbosity=0)
    assert list(done(owner)) == ["ml-concepts-regression"]
    assert item("ml-concepts-regression").title == "Regression"


def test_guest_ticks_are_rows_of_the_sessions_guest(content):
    session = SessionStore()
    assert rules.guest_of(session) is None  # no guest until the first tick
    guest = {"guest": rules.guest_of(session, create=True)}
    assert rules.guest_of(session) == guest["guest"]  # the token stays in the session
    rules.set_item_done(owner=guest, item=item("programming-functions"), done=True)
    rules.set_item_done(owner=guest, item=item("programming-functions"), done=True)
    rules.set_stage_done(
        owner=guest, stage=RoadmapStage.objects.get(number=2), done=True, drafts=False
    )
    assert set(done(guest)) == {
        "programming-functions",
        "data-analysis-pandas",
        "data-analysis-numpy",
        "data-analysis-sql",
    }
    rules.set_item_done(owner=guest, item=item("data-analysis-sql"), done=False)
    assert "data-analysis-sql" not in done(guest)
    assert not Completion.objects.filter(user__isnull=False).exists()


def test_an_unknown_or_tampered_guest_token_is_no_guest(content):
    session = SessionStore()
    for token in ["no-such-guest", ["not", "a", "token"], {"x": 3}]:
        session[rules.GUEST_SESSION_KEY] = token
        assert rules.guest_of(session) is None
        owner = rules.owner_of(user=AnonymousUser(), session=session)
        assert owner is None or rules.done_items(owner=owner) == {}


def test_a_tick_has_exactly_one_owner(content, user):
    guest = Guest.objects.create()
    for owners in [{}, {"user": user, "guest": guest}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Completion.objects.create(item=item("programming-apis"), **owners)


def test_a_guests_visits_are_noted_once_a_day(content):
    session = SessionStore()
    guest = rules.guest_of(session, create=True)
    long_ago = timezone.now() - timedelta(days=3)
    Guest.objects.filter(pk=guest.pk).update(last_seen_at=long_ago)
    rules.guest_of(session)
    guest.refresh_from_db()
    assert guest.last_seen_at > long_ago


def test_merging_guest_progress_is_a_union_where_the_earliest_date_wins(content, user):
    account = {"user": user}
    rules.set_item_done(owner=account, item=item("programming-functions"), done=True)
    rules.set_item_done(owner=account, item=item("programming-apis"), done=True)
    earlier = timezone.now() - timedelta(days=3)
    later = timezone.now() + timedelta(days=3)
    session = SessionStore()
    guest = rules.guest_of(session, create=True)
    for slug, when in [
        ("programming-functions", earlier),  # earlier than the account's tick
        ("programming-apis", later),  # later: the account's date stays
        ("data-analysis-sql", earlier),  # new
    ]:
        Completion.objects.create(guest=guest, item=item(slug), completed_at=when)
    added = rules.merge_guest_progress(session=session, user=user)
    assert added == 1
    ticks = done(account)
    assert set(ticks) == {"programming-functions", "programming-apis", "data-analysis-sql"}
    assert ticks["programming-functions"] == earlier
    assert ticks["programming-apis"] < later
    assert ticks["data-analysis-sql"] == earlier
    assert rules.GUEST_SESSION_KEY not in session
    assert not Guest.objects.filter(pk=guest.pk).exists()
    assert not Completion.objects.filter(user__isnull=True).exists()


def test_clear_guests_deletes_those_not_seen_for_the_retention_period(content, settings):
    settings.GUEST_RETENTION_DAYS = 30
    stale, recent = Guest.objects.create(), Guest.objects.create()
    Guest.objects.filter(pk=stale.pk).update(last_seen_at=timezone.now() - timedelta(days=31))
    Completion.objects.create(guest=stale, item=item("programming-apis"))
    output = io.StringIO()
    call_command("clear_guests", stdout=output)
    assert output.getvalue().strip() == "Deleted 1 guest not seen for 30 days."
    assert list(Guest.objects.all()) == [recent]
    assert not Completion.objects.filter(guest=stale.pk).exists()
    with pytest.raises(CommandError):
        call_command("clear_guests", "--days", "0")


def test_reset_one_stage_or_everything(content, user):
    owner = {"user": user}
    for number in (1, 2):
        rules.set_stage_done(
            owner=owner, stage=RoadmapStage.objects.get(number=number), done=True, drafts=False
        )
    rules.reset(owner=owner, stage=RoadmapStage.objects.get(number=1))
    assert {slug.split("-")[0] for slug in done(owner)} == {"data"}
    rules.reset(owner=owner)
    assert done(owner) == {}


def test_notes_are_private_and_empty_text_removes_them(content, user, other):
    stage = RoadmapStage.objects.get(number=4)
    rules.save_note(user=user, stage=stage, text="Try the fast.ai course")
    rules.save_note(user=user, stage=stage, text="Try the fast.ai course, part 2")
    assert StageNote.objects.get(user=user).text == "Try the fast.ai course, part 2"
    assert not rules.notes_of(user=other, drafts=False).exists()
    rules.save_note(user=user, stage=stage, text="   ")
    assert not StageNote.objects.exists()


def test_export_rows_follow_the_roadmap_order(content, user):
    owner = {"user": user}
    rules.set_item_done(owner=owner, item=item("mlops-model-serving"), done=True)
    rules.set_item_done(owner=owner, item=item("programming-functions"), done=True)
    rows = rules.export_rows(owner=owner, stages=stages())
    assert [(row["stage"], row["item"]) for row in rows] == [
        (1, "programming-functions"),
        (6, "mlops-model-serving"),
    ]
    assert rows[0]["item_title"] == "Functions"
    assert rows[0]["completed_at"].startswith(str(timezone.now().year))
