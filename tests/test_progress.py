"""The progress rules, without HTTP."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.utils import timezone

from guide import progress as rules
from guide.models import ChecklistItem, Completion, RoadmapStage, StageNote


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user("ada", password="correct horse battery")


@pytest.fixture
def other(db):
    return get_user_model().objects.create_user("bob", password="correct horse battery")


def item(slug: str) -> ChecklistItem:
    return ChecklistItem.objects.get(slug=slug)


def stages() -> list[RoadmapStage]:
    return list(RoadmapStage.objects.published().with_items(drafts=False))


def test_ticking_is_idempotent_and_states_the_desired_state(content, user):
    tracker = rules.AccountTracker(user)
    functions = item("programming-functions")
    for _ in range(3):
        rules.set_item_done(tracker=tracker, item=functions, done=True)
    assert Completion.objects.filter(user=user).count() == 1
    first = Completion.objects.get(user=user).completed_at
    rules.set_item_done(tracker=tracker, item=functions, done=True)
    assert Completion.objects.get(user=user).completed_at == first  # the first date stays
    for _ in range(2):
        rules.set_item_done(tracker=tracker, item=functions, done=False)
    assert not Completion.objects.filter(user=user).exists()


def test_a_stage_is_done_when_all_its_items_are(content, user):
    tracker = rules.AccountTracker(user)
    stage = RoadmapStage.objects.get(number=2)
    for entry in stage.items.all()[:2]:
        rules.set_item_done(tracker=tracker, item=entry, done=True)
    progress = rules.roadmap_progress(tracker=tracker, stages=stages())
    second = progress.stages[1]
    assert (second.done_count, second.total, second.done, second.percent) == (2, 3, False, 67)
    assert second.completed_at is None

    rules.set_item_done(tracker=tracker, item=stage.items.last(), done=True)
    progress = rules.roadmap_progress(tracker=tracker, stages=stages())
    assert progress.stages[1].done
    assert (
        progress.stages[1].completed_at == Completion.objects.latest("completed_at").completed_at
    )
    assert (progress.done_count, progress.total, progress.percent) == (3, 28, 11)


def test_ticking_a_stage_ticks_every_item_and_unticking_clears_them(content, user):
    tracker = rules.AccountTracker(user)
    stage = RoadmapStage.objects.get(number=3)
    rules.set_item_done(tracker=tracker, item=stage.items.first(), done=True)
    rules.set_stage_done(tracker=tracker, stage=stage, done=True, drafts=False)
    assert Completion.objects.filter(user=user).count() == stage.items.count() == 5
    rules.set_stage_done(tracker=tracker, stage=stage, done=False, drafts=False)
    assert not Completion.objects.filter(user=user).exists()


def test_next_up_is_the_first_unfinished_item(content, user):
    tracker = rules.AccountTracker(user)
    progress = rules.roadmap_progress(tracker=tracker, stages=stages())
    assert progress.next_up.item.slug == "programming-variables-and-data-structures"
    rules.set_stage_done(
        tracker=tracker, stage=RoadmapStage.objects.get(number=1), done=True, drafts=False
    )
    progress = rules.roadmap_progress(tracker=tracker, stages=stages())
    assert progress.next_up.item.stage.number == 2
    for stage in RoadmapStage.objects.all():
        rules.set_stage_done(tracker=tracker, stage=stage, done=True, drafts=False)
    progress = rules.roadmap_progress(tracker=tracker, stages=stages())
    assert progress.next_up is None and progress.percent == 100


def test_users_do_not_share_progress(content, user, other):
    rules.set_item_done(
        tracker=rules.AccountTracker(user), item=item("programming-apis"), done=True
    )
    assert rules.AccountTracker(other).done() == {}
    rules.reset(tracker=rules.AccountTracker(other))
    assert list(rules.AccountTracker(user).done()) == ["programming-apis"]


def test_ticks_survive_reloading_reordering_renaming_and_rewording(content, user):
    tracker = rules.AccountTracker(user)
    rules.set_item_done(tracker=tracker, item=item("ml-concepts-regression"), done=True)
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
    assert list(tracker.done()) == ["ml-concepts-regression"]
    assert item("ml-concepts-regression").title == "Regression"


def test_guest_ticks_live_in_the_session(content):
    session = SessionStore()
    guest = rules.GuestTracker(session)
    rules.set_item_done(tracker=guest, item=item("programming-functions"), done=True)
    rules.set_item_done(tracker=guest, item=item("programming-functions"), done=True)
    rules.set_stage_done(
        tracker=guest, stage=RoadmapStage.objects.get(number=2), done=True, drafts=False
    )
    assert set(guest.done()) == {
        "programming-functions",
        "data-analysis-pandas",
        "data-analysis-numpy",
        "data-analysis-sql",
    }
    rules.set_item_done(tracker=guest, item=item("data-analysis-sql"), done=False)
    assert "data-analysis-sql" not in guest.done()
    assert not Completion.objects.exists()


def test_a_tampered_guest_session_is_ignored(content):
    session = SessionStore()
    session[rules.GUEST_SESSION_KEY] = {"programming-apis": "not a date", "x": 3}
    assert rules.GuestTracker(session).done() == {}
    session[rules.GUEST_SESSION_KEY] = ["not", "a", "dict"]
    assert rules.GuestTracker(session).done() == {}


def test_merging_guest_progress_is_a_union_where_the_earliest_date_wins(content, user):
    account = rules.AccountTracker(user)
    rules.set_item_done(tracker=account, item=item("programming-functions"), done=True)
    rules.set_item_done(tracker=account, item=item("programming-apis"), done=True)
    earlier = timezone.now() - timedelta(days=3)
    later = timezone.now() + timedelta(days=3)
    session = SessionStore()
    session[rules.GUEST_SESSION_KEY] = {
        "programming-functions": earlier.isoformat(),  # earlier than the account's tick
        "programming-apis": later.isoformat(),  # later: the account's date stays
        "data-analysis-sql": earlier.isoformat(),  # new
        "no-such-item": earlier.isoformat(),  # gone from the roadmap: ignored
    }
    added = rules.merge_guest_progress(session=session, user=user)
    assert added == 1
    done = account.done()
    assert set(done) == {"programming-functions", "programming-apis", "data-analysis-sql"}
    assert done["programming-functions"] == earlier
    assert done["programming-apis"] < later
    assert done["data-analysis-sql"] == earlier
    assert rules.GUEST_SESSION_KEY not in session


def test_reset_one_stage_or_everything(content, user):
    tracker = rules.AccountTracker(user)
    for number in (1, 2):
        rules.set_stage_done(
            tracker=tracker, stage=RoadmapStage.objects.get(number=number), done=True, drafts=False
        )
    rules.reset(tracker=tracker, stage=RoadmapStage.objects.get(number=1))
    assert {slug.split("-")[0] for slug in tracker.done()} == {"data"}
    rules.reset(tracker=tracker)
    assert tracker.done() == {}


def test_notes_are_private_and_empty_text_removes_them(content, user, other):
    stage = RoadmapStage.objects.get(number=4)
    rules.save_note(user=user, stage=stage, text="Try the fast.ai course")
    rules.save_note(user=user, stage=stage, text="Try the fast.ai course, part 2")
    assert StageNote.objects.get(user=user).text == "Try the fast.ai course, part 2"
    assert rules.notes_by_stage(user=other, drafts=False) == {}
    rules.save_note(user=user, stage=stage, text="   ")
    assert not StageNote.objects.exists()


def test_export_rows_follow_the_roadmap_order(content, user):
    tracker = rules.AccountTracker(user)
    rules.set_item_done(tracker=tracker, item=item("mlops-model-serving"), done=True)
    rules.set_item_done(tracker=tracker, item=item("programming-functions"), done=True)
    rows = rules.export_rows(tracker=tracker, stages=stages())
    assert [(row["stage"], row["item"]) for row in rows] == [
        (1, "programming-functions"),
        (6, "mlops-model-serving"),
    ]
    assert rows[0]["item_title"] == "Functions"
    assert rows[0]["completed_at"].startswith(str(timezone.now().year))
