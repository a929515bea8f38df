"""Progress rules: learners tick roadmap checklist items, as guests or with an account.

- Every write states the desired state (done or not done), never "toggle", so that
  double clicks, retries and races all end in the state the learner asked for.
- A stage is done when all of its items are; ticking a stage ticks all of its items,
  unticking it clears them.
- An account's ticks are `Completion` rows, one per user and item (unique in the
  database). A guest's ticks live in their session as {item slug: ISO time}; they move
  into the account at sign-up or log-in (union; the earliest time wins).
- Ticks point at items by stable keys (the row, or the slug for guests), so reloading,
  reordering, renaming or rewording the content keeps every tick.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone

from guide.models import ChecklistItem, Completion, RoadmapStage, StageNote

GUEST_SESSION_KEY = "guest_progress"


class Tracker(Protocol):
    """Where one learner's ticks are kept."""

    def done(self) -> dict[str, datetime]:
        """When each ticked item (by slug) was ticked."""
        ...

    def mark(self, items: list[ChecklistItem], *, done: bool) -> None: ...

    def clear(self) -> None:
        """Forget every tick, on any item (a draft's included)."""
        ...


class AccountTracker:
    def __init__(self, user: AbstractBaseUser):
        self.user = user

    def done(self) -> dict[str, datetime]:
        rows = Completion.objects.filter(user=self.user).values_list("item__slug", "completed_at")
        return dict(rows)

    def mark(self, items: list[ChecklistItem], *, done: bool) -> None:
        if done:
            now = timezone.now()
            # A row that already exists keeps its date; parallel requests add one row.
            Completion.objects.bulk_create(
                [Completion(user=self.user, item=item, completed_at=now) for item in items],
                ignore_conflicts=True,
            )
        else:
            Completion.objects.filter(user=self.user, item__in=items).delete()

    def clear(self) -> None:
        Completion.objects.filter(user=self.user).delete()


class GuestTracker:
    def __init__(self, session: SessionBase):
        self.session = session

    def entries(self) -> dict[str, str]:
        stored = self.session.get(GUEST_SESSION_KEY, {})
        return stored if isinstance(stored, dict) else {}

    def done(self) -> dict[str, datetime]:
        parsed = {}
        for slug, stamp in self.entries().items():
            try:
                parsed[slug] = datetime.fromisoformat(stamp)
            except (TypeError, ValueError):
                continue
        return parsed

    def mark(self, items: list[ChecklistItem], *, done: bool) -> None:
        entries = dict(self.entries())
        now = timezone.now().isoformat()
        for item in items:
            if done:
                entries.setdefault(item.slug, now)
            else:
                entries.pop(item.slug, None)
        self.session[GUEST_SESSION_KEY] = entries

    def clear(self) -> None:
        self.session.pop(GUEST_SESSION_KEY, None)


def tracker_for(*, user: AbstractBaseUser, session: SessionBase) -> Tracker:
    if user.is_authenticated:
        return AccountTracker(user)
    return GuestTracker(session)


def set_item_done(*, tracker: Tracker, item: ChecklistItem, done: bool) -> None:
    tracker.mark([item], done=done)


def set_stage_done(*, tracker: Tracker, stage: RoadmapStage, done: bool, drafts: bool) -> None:
    """Tick or untick every item of `stage` that the learner sees (`drafts`: an editor)."""
    tracker.mark(list(stage.items.visible(drafts)), done=done)


def reset(*, tracker: Tracker, stage: RoadmapStage | None = None) -> None:
    """Clear the ticks of one stage, or every tick: nothing comes back when a draft is
    published again."""
    if stage is None:
        tracker.clear()
    else:
        tracker.mark(list(stage.items.all()), done=False)


def merge_guest_progress(*, session: SessionBase, user: AbstractBaseUser) -> int:
    """Move a guest's ticks into `user`'s account; return how many items were added."""
    guest = GuestTracker(session)
    ticked = guest.done()
    if not ticked:
        guest.clear()
        return 0
    items = {item.slug: item for item in ChecklistItem.objects.filter(slug__in=ticked)}
    with transaction.atomic():
        existing = {
            row.item.slug: row
            for row in Completion.objects.filter(user=user, item__in=items.values())
            .select_related("item")
            .select_for_update()
        }
        Completion.objects.bulk_create(
            [
                Completion(user=user, item=item, completed_at=ticked[slug])
                for slug, item in items.items()
                if slug not in existing
            ],
            ignore_conflicts=True,
        )
        earlier = [row for slug, row in existing.items() if ticked[slug] < row.completed_at]
        for row in earlier:
            row.completed_at = ticked[row.item.slug]
        Completion.objects.bulk_update(earlier, ["completed_at"])
    guest.clear()
    return len(items) - len(existing)


@dataclass
class ItemProgress:
    item: ChecklistItem
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass
class StageProgress:
    stage: RoadmapStage
    items: list[ItemProgress]
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done_count(self) -> int:
        return sum(entry.done for entry in self.items)

    @property
    def done(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def percent(self) -> int:
        return percent(self.done_count, self.total)

    @property
    def completed_at(self) -> datetime | None:
        """When the stage's last item was ticked, once every item is."""
        return max(entry.done_at for entry in self.items) if self.done else None


@dataclass
class RoadmapProgress:
    stages: list[StageProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(stage.total for stage in self.stages)

    @property
    def done_count(self) -> int:
        return sum(stage.done_count for stage in self.stages)

    @property
    def percent(self) -> int:
        return percent(self.done_count, self.total)

    def done_in(self, stage: RoadmapStage | None = None) -> int:
        """How many items are done in `stage`, or on the whole roadmap."""
        return sum(entry.done_count for entry in self.stages if stage in (None, entry.stage))

    @property
    def next_up(self) -> ItemProgress | None:
        """The first item not yet done, in roadmap order."""
        return next(
            (entry for stage in self.stages for entry in stage.items if not entry.done), None
        )


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def roadmap_progress(
    *,
    tracker: Tracker,
    stages: list[RoadmapStage],
    notes: dict[int, str] | None = None,
) -> RoadmapProgress:
    """The progress on `stages`, whose items must be prefetched."""
    done = tracker.done()
    notes = notes or {}
    return RoadmapProgress(
        [
            StageProgress(
                stage=stage,
                items=[ItemProgress(item, done.get(item.slug)) for item in stage.items.all()],
                note=notes.get(stage.pk, ""),
            )
            for stage in stages
        ]
    )


def notes_of(*, user: AbstractBaseUser, drafts: bool):
    """The learner's notes on the stages they see (a note on a draft stage stays hidden)."""
    if not user.is_authenticated:
        return StageNote.objects.none()
    return StageNote.objects.filter(user=user, stage__in=RoadmapStage.objects.visible(drafts))


def notes_by_stage(*, user: AbstractBaseUser, drafts: bool) -> dict[int, str]:
    return dict(notes_of(user=user, drafts=drafts).values_list("stage_id", "text"))


def export_notes(*, user: AbstractBaseUser, drafts: bool) -> list[dict]:
    """The learner's notes for export, in roadmap order."""
    return [
        {"stage": note.stage.number, "stage_title": note.stage.title, "text": note.text}
        for note in notes_of(user=user, drafts=drafts).select_related("stage")
    ]


def save_note(*, user: AbstractBaseUser, stage: RoadmapStage, text: str) -> None:
    """Keep `text` as the user's note on `stage`; an empty text removes the note."""
    if not text.strip():
        StageNote.objects.filter(user=user, stage=stage).delete()
        return
    StageNote.objects.update_or_create(user=user, stage=stage, defaults={"text": text})


def export_rows(*, tracker: Tracker, stages: list[RoadmapStage]) -> list[dict]:
    """One row per ticked item, in roadmap order, for JSON and CSV export."""
    progress = roadmap_progress(tracker=tracker, stages=stages)
    return [
        {
            "stage": stage.stage.number,
            "stage_title": stage.stage.title,
            "item": entry.item.slug,
            "item_title": entry.item.title,
            "completed_at": entry.done_at.isoformat(),
        }
        for stage in progress.stages
        for entry in stage.items
        if entry.done
    ]
