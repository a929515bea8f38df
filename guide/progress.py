"""Progress rules: learners tick roadmap checklist items, as guests or with an account.

- Every write states the desired state (done or not done), never "toggle", so that
  double clicks, retries and races all end in the state the learner asked for.
- A stage is done when all of its items are; ticking a stage ticks all of its items,
  unticking it clears them.
- Every tick is a `Completion` row, one per learner and item (unique in the database),
  and each tick is its own write: parallel ticks never lose one another. A learner is an
  account or a `Guest`, whose random token lives in their session; the functions here take
  the learner as an owner filter, `{"user": user}`, `{"guest": guest}` or, to read,
  `{"guest__token": token}`. At sign-up or
  log-in a guest's ticks move into the account (union; the earliest time wins).
- Ticks point at item rows, so reloading, reordering, renaming or rewording the content
  keeps every tick.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.timezone import localdate

from guide.models import (
    ChecklistItem,
    Completion,
    Guest,
    ProgressShare,
    RoadmapStage,
    StageNote,
    new_share_token,
)
from guide.serving.compiled import CompiledQuery
from guide.serving.kept import per_version
from guide.visibility import has_private_state

GUEST_SESSION_KEY = "guest"
GUEST_SEEN_KEY = "guest_seen"  # the day the guest's visit was last written down
SEEN_EVERY = timedelta(days=1)  # how often a guest's last visit is written down

# The learner whose ticks a function reads or writes: a filter on `Completion`.
Owner = dict[str, object]


def guest_of(session: SessionBase, *, create: bool = False) -> Guest | None:
    """The session's guest; with `create`, a new one the first time (for a first tick)."""
    token = session.get(GUEST_SESSION_KEY)
    guest = Guest.objects.filter(token=token).first() if isinstance(token, str) else None
    now = timezone.now()
    if guest is None and create:
        guest = Guest.objects.create()
        session[GUEST_SESSION_KEY] = guest.token
    elif guest is not None and guest.last_seen_at < now - SEEN_EVERY:
        Guest.objects.filter(pk=guest.pk).update(last_seen_at=now)
    return guest


def owner_of(
    *, user: AbstractBaseUser, session: SessionBase, create: bool = False
) -> Owner | None:
    """The learner of a request: the account, else the session's guest, if any (made on
    the first tick when `create`).

    To read, a guest is known by the token alone (`{"guest__token": ...}`): their ticks come
    in one query, without reading the guest's row; the visit is noted once a day.
    """
    if user.is_authenticated:
        return {"user": user}
    if create:
        guest = guest_of(session, create=True)
        session[GUEST_SEEN_KEY] = timezone.now().date().isoformat()
        return {"guest": guest}
    token = session.get(GUEST_SESSION_KEY)
    if not isinstance(token, str):
        return None
    today = timezone.now().date().isoformat()
    if session.get(GUEST_SEEN_KEY) != today:
        Guest.objects.filter(token=token).update(last_seen_at=timezone.now())
        session[GUEST_SEEN_KEY] = today
    return {"guest__token": token}


def ticks_by(field: str, kind: type) -> CompiledQuery:
    return CompiledQuery(
        lambda value: Completion.objects.filter(**{field: value}).values_list(
            "item_id", "completed_at"
        ),
        kind,
    )


# A learner's ticks are read on each of their pages: compiled once (guide.serving.compiled).
TICKS = {
    "user_id": ticks_by("user_id", int),
    "guest_id": ticks_by("guest_id", int),
    "guest__token": ticks_by("guest__token", str),
}


def done_items(*, owner: Owner | None) -> dict[int, datetime]:
    """When each ticked item (by id) was ticked."""
    if owner is None:
        return {}
    ((field, value),) = owner.items()
    if isinstance(value, Model):  # {"user": user}: by its id
        field, value = f"{field}_id", value.pk
    return dict(TICKS[field].rows(value))


def set_items_done(*, owner: Owner, items: list[ChecklistItem], done: bool) -> None:
    if done:
        now = timezone.now()
        # A row that already exists keeps its date; parallel requests add one row.
        Completion.objects.bulk_create(
            [Completion(**owner, item=item, completed_at=now) for item in items],
            ignore_conflicts=True,
        )
    else:
        Completion.objects.filter(**owner, item__in=items).delete()


def set_item_done(*, owner: Owner, item: ChecklistItem, done: bool) -> None:
    set_items_done(owner=owner, items=[item], done=done)


def set_stage_done(*, owner: Owner, stage: RoadmapStage, done: bool, drafts: bool) -> None:
    """Tick or untick every item of `stage` that the learner sees (`drafts`: an editor)."""
    set_items_done(owner=owner, items=list(stage.items.visible(drafts)), done=done)


def reset(*, owner: Owner | None, stage: RoadmapStage | None = None) -> None:
    """Clear the ticks of one stage, or every tick: nothing comes back when a draft is
    published again."""
    if owner is None:
        return
    ticks = Completion.objects.filter(**owner)
    (ticks.filter(item__stage=stage) if stage else ticks).delete()


def merge_guest_progress(*, session: SessionBase, user: AbstractBaseUser) -> int:
    """Move the session's guest's ticks into `user`'s account and forget the guest;
    return how many items were added."""
    guest = guest_of(session)
    session.pop(GUEST_SESSION_KEY, None)
    if guest is None:
        return 0
    with transaction.atomic():
        ticked = done_items(owner={"guest": guest})
        existing = {
            row.item_id: row
            for row in Completion.objects.filter(user=user, item_id__in=ticked).select_for_update()
        }
        Completion.objects.bulk_create(
            [
                Completion(user=user, item_id=item_id, completed_at=when)
                for item_id, when in ticked.items()
                if item_id not in existing
            ],
            ignore_conflicts=True,
        )
        earlier = [row for row in existing.values() if ticked[row.item_id] < row.completed_at]
        for row in earlier:
            row.completed_at = ticked[row.item_id]
        Completion.objects.bulk_update(earlier, ["completed_at"])
        guest.delete()  # and its ticks with it
    return len(ticked) - len(existing)


def clear_guests(*, not_seen_for: timedelta) -> int:
    """Delete the guests (and their ticks) not seen for `not_seen_for`; return how many."""
    stale = Guest.objects.filter(last_seen_at__lt=timezone.now() - not_seen_for)
    return stale.delete()[1].get(Guest._meta.label, 0)


@dataclass
class ItemProgress:
    item: ChecklistItem
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass
class StageProgress:
    """A learner's progress on a stage (read-only: its figures are worked out once)."""

    stage: RoadmapStage
    items: list[ItemProgress]
    note: str = ""

    @property
    def total(self) -> int:
        return len(self.items)

    @cached_property
    def done_count(self) -> int:
        return sum(entry.done for entry in self.items)

    @property
    def done(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def percent(self) -> int:
        return percent(self.done_count, self.total)

    @cached_property
    def completed_at(self) -> datetime | None:
        """When the stage's last item was ticked, once every item is."""
        return max(entry.done_at for entry in self.items) if self.done else None

    @cached_property
    def state(self) -> str:
        """All that a learner's view of the stage depends on: which items are done, and
        the day the stage was completed (the key of its shared rendering)."""
        done = ",".join(str(entry.item.pk) for entry in self.items if entry.done)
        completed = localdate(self.completed_at).isoformat() if self.completed_at else ""
        return f"{self.stage.pk}:{done}:{completed}"


@dataclass
class RoadmapProgress:
    """A learner's progress on the roadmap (read-only: its figures are worked out once)."""

    stages: list[StageProgress] = field(default_factory=list)

    @cached_property
    def total(self) -> int:
        return sum(stage.total for stage in self.stages)

    @cached_property
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

    @property
    def continue_at(self) -> ChecklistItem | None:
        """Where the learner left off: the first item not yet done, once they have ticked
        one (None before that, and when every item is done)."""
        return self.next_up.item if self.done_count and self.next_up else None


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def roadmap_progress(
    *,
    owner: Owner | None,
    stages: list[RoadmapStage],
    notes: dict[int, str] | None = None,
) -> RoadmapProgress:
    """The progress on `stages`, whose items must be prefetched."""
    return progress_on(outline(stages), done_items(owner=owner), notes or {})


# Each stage with its items, in roadmap order.
Outline = list[tuple[RoadmapStage, list[ChecklistItem]]]


def outline(stages: list[RoadmapStage]) -> Outline:
    """`stages` with their prefetched items as lists (asking a stage for its items builds
    a manager and a QuerySet each time: a learner's pages use the outline kept for the
    content version instead)."""
    return [(stage, list(stage.items.all())) for stage in stages]


def read_outline(drafts: bool) -> Outline:
    """The outline of the stages a learner sees, with their items and their resources."""
    stages = RoadmapStage.objects.visible(drafts).with_items(drafts, resources=True)
    return outline(list(stages))


def progress_on(
    outline: Outline, done: dict[int, datetime], notes: dict[int, str]
) -> RoadmapProgress:
    """The progress on `outline` of a learner whose ticks are `done`."""
    return RoadmapProgress(
        [
            StageProgress(
                stage=stage,
                items=[ItemProgress(item, done.get(item.pk)) for item in items],
                note=notes.get(stage.pk, ""),
            )
            for stage, items in outline
        ]
    )


def notes_of(*, user: AbstractBaseUser, drafts: bool):
    """The learner's notes on the stages they see (a note on a draft stage stays hidden)."""
    if not user.is_authenticated:
        return StageNote.objects.none()
    return StageNote.objects.filter(user=user, stage__in=RoadmapStage.objects.visible(drafts))


def share_of(*, user: AbstractBaseUser):
    """The learner's public progress link: a row or none."""
    if not user.is_authenticated:
        return ProgressShare.objects.none()
    return ProgressShare.objects.filter(user=user)


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


def export_rows(*, owner: Owner | None, stages: list[RoadmapStage]) -> list[dict]:
    """One row per ticked item, in roadmap order, for JSON and CSV export."""
    progress = roadmap_progress(owner=owner, stages=stages)
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


def share_progress(
    *, user: AbstractBaseUser, enabled: bool, display_name: str = "", renew: bool = False
) -> ProgressShare | None:
    """Turn the learner's public progress link on (`renew`: with a new token, the old one
    stops working) or off (the row goes, and the link with it)."""
    if not enabled:
        ProgressShare.objects.filter(user=user).delete()
        return None
    share, created = ProgressShare.objects.get_or_create(
        user=user, defaults={"display_name": display_name}
    )
    if not created:
        share.display_name = display_name
        if renew:
            share.token = new_share_token()
        share.save(update_fields=["display_name", "token"])
    return share


def export_share(*, user: AbstractBaseUser) -> dict | None:
    """The learner's public progress link, for their data export (None: off or a guest)."""
    share = share_of(user=user).first()
    if share is None:
        return None
    return {
        "path": share.get_absolute_url(),
        "display_name": share.display_name,
        "created_at": share.created_at.isoformat(),
    }


def learner(request: HttpRequest, *, create: bool = False) -> Owner | None:
    """This request's learner (None: a visitor who has not ticked anything yet)."""
    return owner_of(user=request.user, session=request.session, create=create)


def roadmap_outline(request: HttpRequest, *, drafts: bool) -> Outline:
    """The stages a visitor sees with their items (and resources), read once per content
    version for every process and node (`per_version`)."""
    return per_version(request, f"roadmap:{int(drafts)}", lambda: read_outline(drafts))


def learner_progress(request: HttpRequest, *, drafts: bool, notes: dict[int, str] | None = None):
    """Every stage the learner sees with its items, and this learner's ticks on them (and
    `notes`, their notes by stage, on the dashboard).

    The stages with their items are read once per content version (`per_version`, as an
    `outline`); the ticks are the learner's own query, once per reading request. A visitor
    without a session who is reading has no ticks: their session is left unread, so the
    page is the same for all of them and can be cached whole.
    """
    reading = request.method in {"GET", "HEAD"} and notes is None
    kept = request.__dict__.setdefault("_learner_progress", {})
    if reading and drafts in kept:
        return kept[drafts]
    roadmap = roadmap_outline(request, drafts=drafts)
    owner = None if reading and not has_private_state(request) else learner(request)
    progress = progress_on(roadmap, done_items(owner=owner), notes or {})
    if reading:  # a write's page reads the ticks it made
        kept[drafts] = progress
    return progress


def ticks_state(request: HttpRequest) -> str | None:
    """All that a reader's roadmap and stage pages show of them outside their personal
    parts: their ticks, stage by stage (`StageProgress.state`); `reader_page` shares those
    pages' skeleton between the learners in the same state. None for a visitor without a
    session (the page cache serves them)."""
    if not has_private_state(request):
        return None
    progress = learner_progress(request, drafts=False)
    return "|".join(entry.state for entry in progress.stages)
