"""The guide's content: everything the article says, as rows an editor can change.

Every content row has a unique slug as its natural key, so `loaddata` updates
rows in place and anything tied to content (user progress) survives reloading,
reordering and renaming.
"""

import hashlib
import re
import secrets
import time
from functools import lru_cache, reduce
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from guide.words import words_q

SLUG_HELP = (
    "The address of this item: lowercase letters, digits and hyphens. Changing it breaks links."
)


class GuideHistory(HistoricalRecords):
    """The content's history: every record says why it was made. The admin, a revert and
    `load_guide` give their own reason; any other change is named by what it did."""

    REASONS = {"+": "Added", "~": "Changed", "-": "Deleted"}

    def get_change_reason_for_object(self, instance, history_type, using):
        reason = super().get_change_reason_for_object(instance, history_type, using)
        return reason or self.REASONS[history_type]


class ContentQuerySet(models.QuerySet):
    """Every row by default (the admin, fixtures and commands need them all); what a
    reader may see is asked for explicitly with `published()` or `visible(drafts)`."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """Rows readers may see: published, and so is every row they belong to."""
        model = self.model
        paths = ["", *(f"{parent}__" for parent in model.published_parents)]
        return self.filter(reduce(lambda q, path: q & Q(**{f"{path}published": True}), paths, Q()))

    def visible(self, drafts: bool):
        """Every row for an editor previewing drafts (`drafts`), published rows otherwise."""
        return self if drafts else self.published()

    # Changes made in bulk send no signals (guide.signals): they bump the content version
    # themselves, so whatever is kept per version is never stale.
    def update(self, **kwargs):
        updated = super().update(**kwargs)
        if updated:
            ContentVersion.bump()
        return updated

    def bulk_update(self, objs, fields, batch_size=None):
        updated = super().bulk_update(objs, fields, batch_size=batch_size)
        if updated:
            ContentVersion.bump()
        return updated


class ContentListQuerySet(ContentQuerySet):
    def with_items(self, drafts: bool):
        return self.prefetch_related(models.Prefetch("items", ListItem.objects.visible(drafts)))


class RoadmapStageQuerySet(ContentQuerySet):
    def with_items(self, drafts: bool, *, resources: bool = False):
        """Attach the stage's items, each with `shown_project`, its project (None when a
        reader may not see it, joined in the same query), and with `resources`, its
        resources (one more query)."""
        shown = Q() if drafts else Q(project__published=True)
        items = (
            ChecklistItem.objects.visible(drafts)
            .annotate(shown_project=models.FilteredRelation("project", condition=shown))
            .select_related("shown_project")
        )
        if resources:
            items = items.prefetch_related(
                models.Prefetch("resources", Resource.objects.visible(drafts))
            )
        return self.prefetch_related(models.Prefetch("items", items))

    def with_item_count(self, drafts: bool):
        """Annotate `item_count`: the items a reader may see (ordered: aggregates ignore
        Meta.ordering)."""
        shown = Q() if drafts else Q(items__published=True)
        return self.annotate(item_count=models.Count("items", filter=shown)).order_by("number")


class SkillQuerySet(ContentQuerySet):
    def filtered(self, *, category=None, stage=None, q: str = ""):
        rows = self
        if category:
            rows = rows.filter(category=category)
        if stage:
            rows = rows.filter(stages=stage)
        if q:
            rows = rows.filter(words_q(q, ["name", "description"]))
        return rows

    def for_listing(self, *, drafts: bool):
        """These skills in their categories' order, each with its category and stages (to
        read with guide.together, then group with `by_category`)."""
        stages = models.Prefetch("stages", RoadmapStage.objects.visible(drafts))
        return (
            self.select_related("category")
            .prefetch_related(stages)
            .order_by("category__position", "position")
        )


def by_category(skills: list["Skill"]) -> list["SkillCategory"]:
    """The categories of `skills` (read from `for_listing`) in order, each with
    `shown_skills`, its skills among these."""
    categories = {}
    for skill in skills:
        category = categories.setdefault(skill.category_id, skill.category)
        category.__dict__.setdefault("shown_skills", []).append(skill)
    return list(categories.values())


class PortfolioProjectQuerySet(ContentQuerySet):
    def filtered(self, *, area=None, skill=None):
        """The projects that use a skill of `area`, and `skill` (each project once)."""
        rows = self
        uses = PortfolioProject.skills.through.objects.filter(
            portfolioproject=models.OuterRef("pk")
        )
        if area:
            rows = rows.filter(models.Exists(uses.filter(skill__category=area)))
        if skill:
            rows = rows.filter(models.Exists(uses.filter(skill=skill)))
        return rows


class CareerLevelQuerySet(ContentQuerySet):
    def filtered(self, *, years: int | None = None):
        """Levels whose typical experience includes `years`."""
        if years is None:
            return self
        return self.filter(
            Q(max_years__isnull=True) | Q(max_years__gte=years), min_years__lte=years
        )


class SalaryBandQuerySet(ContentQuerySet):
    def filtered(self, *, level=None):
        return self.filter(pk=level.pk) if level else self

    def with_axis_top(self, every_band: "SalaryBandQuerySet"):
        """Annotate `axis_top`: the highest maximum among `every_band`, read in the same
        query (a chart of some bands keeps the scale of all of them)."""
        top = every_band.order_by("-max_usd").values("max_usd")[:1]
        return self.annotate(axis_top=models.Subquery(top))


class CertificationQuerySet(ContentQuerySet):
    def filtered(self, *, provider=None, q: str = ""):
        rows = self
        if provider:
            rows = rows.filter(provider=provider)
        if q:
            rows = rows.filter(words_q(q, ["name", "description", "provider__name"]))
        return rows


class Content(models.Model):
    """A row of the guide's content, known by its slug, with its history."""

    slug = models.SlugField(max_length=100, unique=True, help_text=SLUG_HELP)
    published = models.BooleanField(
        default=True,
        help_text="Untick to make this a draft: only editors see it, marked “Draft”.",
    )
    history = GuideHistory(inherit=True)

    objects = ContentQuerySet.as_manager()

    # Rows shown on a list page get the id "<prefix>-<slug>" there.
    anchor_prefix = "item"
    # The relations whose rows must be published too for this one to be seen.
    published_parents: tuple[str, ...] = ()
    # The text fields written in Markdown: rendered wherever readers see them, previewed in
    # the admin. Every other text field is plain text on one line.
    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)

    @property
    def anchor(self) -> str:
        return f"{self.anchor_prefix}-{self.slug}"


class Section(Content):
    """One section of the article, in reading order."""

    markdown_fields = ("body", "closing")

    class Feature(models.TextChoices):
        NONE = "", "Text only"
        SKILLS = "skills", "Skills by category"
        ROADMAP = "roadmap", "Roadmap stages"
        CAREER = "career", "Career levels"
        SALARIES = "salaries", "Salary table"
        CERTIFICATIONS = "certifications", "Certifications"

    position = models.PositiveSmallIntegerField(
        unique=True, help_text="Sections are shown in this order, smallest first."
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, help_text="The section's text, in Markdown.")
    feature = models.CharField(
        max_length=20,
        choices=Feature,
        blank=True,
        help_text="Structured content shown after the text and lists of this section.",
    )
    closing = models.TextField(
        blank=True, help_text="Text shown at the end of the section, in Markdown."
    )

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("guide:section", args=[self.slug])


class ContentList(Content):
    """A list inside a section: applications, responsibilities, challenges..."""

    anchor_prefix = "list"
    published_parents = ("section",)
    markdown_fields = ("intro", "outro")

    class Style(models.TextChoices):
        BULLETS = "bullets", "Bulleted list"
        PARAGRAPHS = "paragraphs", "One paragraph per item"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="lists")
    position = models.PositiveSmallIntegerField(help_text="Order within the section.")
    heading = models.CharField(
        max_length=200, blank=True, help_text="Optional heading shown above the list."
    )
    intro = models.TextField(
        blank=True, help_text="Text before the items, in Markdown (e.g. 'Engineers track:')."
    )
    style = models.CharField(max_length=20, choices=Style, default=Style.BULLETS)
    outro = models.TextField(blank=True, help_text="Text after the items, in Markdown.")

    objects = ContentListQuerySet.as_manager()

    class Meta:
        ordering = ["section__position", "position"]
        verbose_name = "list"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self):
        return self.heading or self.slug

    def get_absolute_url(self):
        return f"{self.section.get_absolute_url()}#{self.anchor}"


class ListItem(Content):
    anchor_prefix = "entry"
    published_parents = ("content_list", "content_list__section")
    markdown_fields = ("description",)
    content_list = models.ForeignKey(
        ContentList, on_delete=models.CASCADE, related_name="items", verbose_name="list"
    )
    position = models.PositiveSmallIntegerField(help_text="Order within the list.")
    text = models.CharField(max_length=300)
    description = models.TextField(
        blank=True, help_text="Optional short explanation, in Markdown."
    )

    class Meta:
        ordering = ["content_list", "position"]
        verbose_name = "list item"
        constraints = [
            models.UniqueConstraint(
                fields=["content_list", "position"],
                name="%(app_label)s_%(class)s_unique_position",
            ),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return f"{self.content_list.section.get_absolute_url()}#{self.anchor}"


class SkillCategory(Content):
    anchor_prefix = "category"
    markdown_fields = ("intro", "outro")
    position = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Text before the skills, in Markdown.")
    outro = models.TextField(blank=True, help_text="Text after the skills, in Markdown.")

    class Meta:
        ordering = ["position"]
        verbose_name_plural = "skill categories"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('guide:skills')}#{self.anchor}"


class RoadmapStage(Content):
    anchor_prefix = "stage"
    markdown_fields = ("intro", "outro")
    number = models.PositiveSmallIntegerField(
        unique=True, help_text="The stage's number on the roadmap (1, 2, 3...)."
    )
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text="Text before the checklist, in Markdown.")
    items_lead = models.CharField(
        max_length=200,
        blank=True,
        help_text="The words that introduce the checklist, e.g. 'Focus on:'.",
    )
    outro = models.TextField(blank=True, help_text="Text after the checklist, in Markdown.")

    objects = RoadmapStageQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = "roadmap stage"
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1), name="%(app_label)s_%(class)s_number_positive"
            ),
        ]

    def __str__(self):
        return f"Stage {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("guide:stage", args=[self.slug])


class Skill(Content):
    anchor_prefix = "skill"
    published_parents = ("category",)
    markdown_fields = ("description",)
    category = models.ForeignKey(SkillCategory, on_delete=models.PROTECT, related_name="skills")
    position = models.PositiveSmallIntegerField(help_text="Order within the category.")
    name = models.CharField(max_length=200)
    group = models.CharField(
        max_length=200,
        blank=True,
        help_text=(
            "The sentence that introduces this skill's list, e.g. 'Important Python "
            "libraries include:'. Skills of a category with the same text are listed together."
        ),
    )
    description = models.TextField(
        blank=True, help_text="A line or two on what it is for, in Markdown."
    )
    stages = models.ManyToManyField(
        RoadmapStage,
        blank=True,
        related_name="skills",
        help_text="The roadmap stages that teach this skill.",
    )

    objects = SkillQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('guide:skills')}#{self.anchor}"


class PortfolioProject(Content):
    anchor_prefix = "project"
    markdown_fields = ("description",)
    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    skill_area = models.CharField(
        max_length=200, help_text="What the project demonstrates, as the article puts it."
    )
    description = models.TextField(blank=True, help_text="What to build, in Markdown.")
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="projects", help_text="Skills the project demonstrates."
    )

    objects = PortfolioProjectQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = "portfolio project"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('guide:projects')}#{self.anchor}"


class ChecklistItem(Content):
    """One thing to learn or build in a roadmap stage: what learners tick off."""

    anchor_prefix = "item"
    published_parents = ("stage",)
    markdown_fields = ("description",)
    stage = models.ForeignKey(RoadmapStage, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(help_text="Order within the stage.")
    title = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, help_text="A line or two on what to learn or build, in Markdown."
    )
    project = models.OneToOneField(
        PortfolioProject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklist_item",
        help_text="The portfolio project this item stands for, if any.",
    )

    class Meta:
        ordering = ["stage__number", "position"]
        verbose_name = "checklist item"
        constraints = [
            models.UniqueConstraint(
                fields=["stage", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('guide:stage', args=[self.stage.slug])}#{self.anchor}"


class Resource(Content):
    """Somewhere to learn what a checklist item names: documentation, a course or a book."""

    anchor_prefix = "resource"
    published_parents = ("item", "item__stage")

    class Kind(models.TextChoices):
        DOCUMENTATION = "documentation", "Documentation"
        COURSE = "course", "Course"
        BOOK = "book", "Book"

    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.CASCADE,
        related_name="resources",
        verbose_name="checklist item",
    )
    position = models.PositiveSmallIntegerField(help_text="Order within the item.")
    title = models.CharField(max_length=200, help_text="Plain text, e.g. 'pandas documentation'.")
    url = models.URLField(
        "address", max_length=500, help_text="The resource's own page, e.g. https://..."
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.DOCUMENTATION)

    class Meta:
        ordering = ["item__stage__number", "item__position", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "position"], name="%(app_label)s_%(class)s_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["documentation", "course", "book"]),
                name="%(app_label)s_%(class)s_kind_known",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.item.get_absolute_url()


class CareerLevel(Content):
    anchor_prefix = "level"
    markdown_fields = ("description",)
    position = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=200)
    min_years = models.PositiveSmallIntegerField(help_text="Typical experience, from (years).")
    max_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Typical experience, up to (years). Empty for 'or more'."
    )
    description = models.TextField(blank=True, help_text="What the role involves, in Markdown.")

    objects = CareerLevelQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = "career level"
        constraints = [
            models.CheckConstraint(
                condition=Q(max_years__isnull=True) | Q(max_years__gte=models.F("min_years")),
                name="%(app_label)s_%(class)s_years_ordered",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{reverse('guide:career')}#{self.anchor}"

    def clean(self):
        years = (self.min_years, self.max_years)
        if None not in years and years[1] < years[0]:
            raise ValidationError(
                {"max_years": f"Must be at least the years it starts from ({self.min_years})."}
            )

    @property
    def experience(self) -> str:
        if self.max_years is None:
            return f"{self.min_years}+ years"
        return f"{self.min_years}–{self.max_years} years"


class SalaryBand(Content):
    anchor_prefix = "salary"
    position = models.PositiveSmallIntegerField(unique=True)
    level = models.CharField(max_length=200, help_text="The experience level, e.g. 'Entry-Level'.")
    min_usd = models.PositiveIntegerField("minimum (US dollars)")
    max_usd = models.PositiveIntegerField("maximum (US dollars)")
    max_is_open = models.BooleanField(
        "open-ended",
        default=False,
        help_text="Tick when the range continues above the maximum ('$300,000+').",
    )

    objects = SalaryBandQuerySet.as_manager()

    class Meta:
        ordering = ["position"]
        verbose_name = "salary band"
        constraints = [
            models.CheckConstraint(
                condition=Q(min_usd__lte=models.F("max_usd")),
                name="%(app_label)s_%(class)s_range_ordered",
            ),
        ]

    def __str__(self):
        return self.level

    def get_absolute_url(self):
        return f"{reverse('guide:salaries')}#{self.anchor}"

    def clean(self):
        if self.min_usd is not None and self.max_usd is not None and self.min_usd > self.max_usd:
            raise ValidationError(
                {"max_usd": f"The maximum must be at least the minimum (${self.min_usd:,})."}
            )

    @property
    def range_label(self) -> str:
        plus = "+" if self.max_is_open else ""
        return f"${self.min_usd:,} – ${self.max_usd:,}{plus}"


class Provider(Content):
    name = models.CharField(max_length=200)
    url = models.URLField(blank=True, help_text="The provider's home page.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('guide:certifications')}?provider={self.slug}"


class Certification(Content):
    anchor_prefix = "cert"
    published_parents = ("provider",)
    markdown_fields = ("description",)
    position = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="certifications")
    description = models.TextField(blank=True, help_text="What it covers, in Markdown.")
    url = models.URLField(
        "official page",
        max_length=500,
        blank=True,
        help_text=(
            "The certification's own page at its provider (not the provider's home page). "
            "Leave empty unless you are sure of it."
        ),
    )

    objects = CertificationQuerySet.as_manager()

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return f"{reverse('guide:certifications')}#{self.anchor}"


def new_guest_token() -> str:
    return secrets.token_urlsafe(32)


class Guest(models.Model):
    """A learner without an account: known by a random token kept in their session."""

    token = models.CharField(max_length=64, unique=True, default=new_guest_token, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(
        default=timezone.now, help_text="Guests not seen for a while are deleted (clear_guests)."
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"a guest since {self.created_at:%Y-%m-%d}"  # never the token


class Completion(models.Model):
    """A learner ticked a checklist item: one row per learner (an account or a guest) and item."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="completions",
    )
    guest = models.ForeignKey(
        Guest, on_delete=models.CASCADE, null=True, blank=True, related_name="completions"
    )
    item = models.ForeignKey(
        ChecklistItem,
        on_delete=models.PROTECT,
        related_name="completions",
        help_text="Items that learners have ticked cannot be deleted; unpublish them instead.",
    )
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_at"]
        verbose_name = "learner tick"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, guest__isnull=True)
                | Q(user__isnull=True, guest__isnull=False),
                name="%(app_label)s_%(class)s_one_owner",
            ),
            models.UniqueConstraint(
                fields=["user", "item"],
                condition=Q(user__isnull=False),
                name="%(app_label)s_%(class)s_unique_user_item",
            ),
            models.UniqueConstraint(
                fields=["guest", "item"],
                condition=Q(guest__isnull=False),
                name="%(app_label)s_%(class)s_unique_guest_item",
            ),
        ]

    def __str__(self):
        return f"a tick on “{self.item}”"  # never who ticked it: that stays private


class StageNote(models.Model):
    """A learner's private note on a roadmap stage."""

    MAX_LENGTH = 1000

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stage_notes"
    )
    stage = models.ForeignKey(RoadmapStage, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField(max_length=MAX_LENGTH, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["stage__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "stage"], name="%(app_label)s_%(class)s_unique_user_stage"
            ),
        ]

    def __str__(self):
        return f"{self.user}'s note on {self.stage}"


def new_share_token() -> str:
    return secrets.token_urlsafe(32)


class ProgressShare(models.Model):
    """A learner's public progress link, turned on by the learner: on while the row exists.

    The token is the whole secret: a new one replaces the old, which stops working.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_share"
    )
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on the public page; empty: “A learner”."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "public progress link"

    def __str__(self):
        return f"a public progress link since {self.created_at:%Y-%m-%d}"  # never the token

    def get_absolute_url(self):
        return reverse("guide:shared-progress", args=[self.token])


# How long a process trusts the content version it read (seconds): see ContentVersion.
VERSION_LEASE = 0.1


class ContentVersion(models.Model):
    """One row whose number grows on every change to the content.

    It lives in the database so that every app-server process sees the same number:
    whatever caches pages keys them on it, and an edit shows on the next request. Each
    process reads it at most once per `VERSION_LEASE` (every request for a reading page
    asks), and stays exact because an edit waits: once a bump commits, the edit does not
    complete (the editor's response, a command's exit) until `VERSION_LEASE` has passed,
    so a version read before the commit has expired in every process and node by then.
    """

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)
    indexed_version = models.BigIntegerField(
        default=-1, help_text="The version the search index was last built for."
    )

    # This process's lease: (the version read, until when it is trusted, monotonic).
    _lease: "tuple[Version, float] | None" = None

    def __str__(self):
        return f"Content version {self.version}"

    @classmethod
    def bump(cls) -> None:
        """Move every process and node on to a new version. Once the change commits,
        `content_committed` runs (once per transaction, however many rows changed)."""
        updated = cls.objects.filter(pk=1).update(
            version=models.F("version") + 1, changed_at=timezone.now()
        )
        if not updated:
            cls.objects.get_or_create(pk=1, defaults={"version": 1})
        cls.forget_lease()  # this process reads its own change at once
        # Django keeps no public list of what runs on commit; this is the one it runs.
        if all(callback is not content_committed for _, callback, _ in connection.run_on_commit):
            # A failure is logged: the edit itself has committed and stands.
            transaction.on_commit(content_committed, robust=True)

    @classmethod
    def current(cls) -> "Version":
        """The current version: this process's lease while it lasts, else one primary-key
        read below the ORM. Inside a transaction (an edit's own) it is always read."""
        lease = cls._lease
        in_transaction = connection.in_atomic_block
        if lease is not None and not in_transaction and time.monotonic() < lease[1]:
            return lease[0]
        # The lease runs from before the read, so it never outlasts a commit it missed
        # by more than VERSION_LEASE, however long the read waits.
        began = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT version, changed_at FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        version = Version(*row) if row else Version(0, "")
        if not in_transaction:
            cls._lease = (version, began + VERSION_LEASE)
        return version

    @classmethod
    def forget_lease(cls) -> None:
        """Read the version again on the next request (a bump here, or a test's cold start)."""
        cls._lease = None


def content_committed() -> None:
    """After an edit commits: bring the search index up to date (so that readers' searches
    only read; should this fail, the next search rebuilds it: guide.search), and wait out
    every process's lease on the version before the edit completes."""
    from guide.search import ensure_index  # guide.search builds on these models

    committed_at = time.monotonic()
    try:
        ensure_index()
    finally:
        time.sleep(max(0.0, committed_at + VERSION_LEASE - time.monotonic()))


class Version(NamedTuple):
    """The content version: its number, and when it was bumped to it.

    What is kept for a version is keyed on both (`str`): a bump that was rolled back and
    a later one that reaches the same number differ in their time, so nothing rendered
    inside the rolled-back transaction can ever be served for the later one.
    """

    number: int
    changed_at: object  # as the database gives it: only ever written into a key

    def __str__(self) -> str:
        return version_name(self.number, self.changed_at)


@lru_cache(maxsize=16)
def version_name(number: int, changed_at: object) -> str:
    """A version's name in keys, worked out once per version (every request names it)."""
    if not number:
        return "0"  # no edit yet (the row may not exist): nothing to roll back
    stamp = hashlib.blake2b(str(changed_at).encode(), digest_size=4).hexdigest()
    return f"{number}-{stamp}"


class SearchEntry(models.Model):
    """One searchable piece of the guide, as readers see it: the search index.

    guide.search rebuilds the index whenever the content version has moved on since it
    was built, so it never lags an edit. PostgreSQL searches `vector` (a GIN index);
    SQLite searches the FTS5 table `guide_searchentry_fts`, kept beside it.
    """

    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=400)
    published = models.BooleanField(help_text="Readers may see it (drafts are editors' only).")
    order = models.PositiveIntegerField(help_text="The order of the guide, for ties.")
    aliases = models.TextField(
        blank=True,
        help_text="The search synonyms of what it says, one “term: meaning; meaning” a line, "
        "searched with the body (guide.search).",
    )
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["order"]
        verbose_name_plural = "search entries"

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchWord(models.Model):
    """A word of the indexed text, for "Did you mean ...?"."""

    word = models.CharField(max_length=100, unique=True)

    def __str__(self):
        return self.word


class SearchSynonym(models.Model):
    """An abbreviation or other word readers search for, and what the guide calls it:
    a search for either finds the text that says the other (guide.search)."""

    term = models.CharField(
        max_length=50,
        help_text="What readers may type, e.g. “LLM” or “k8s”: letters and digits, one word.",
    )
    meanings = models.CharField(
        max_length=300,
        help_text="What the guide writes instead, separated by commas, e.g. “large language "
        "models, large language model”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        verbose_name = "search synonym"
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("term"), name="%(app_label)s_%(class)s_unique_term"
            ),
            models.CheckConstraint(
                condition=~Q(term="") & ~Q(meanings=""),
                name="%(app_label)s_%(class)s_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.term}: {self.meanings}"

    def clean(self):
        super().clean()
        errors = {}
        if self.term and not re.fullmatch(r"\w+", self.term.strip()):
            errors["term"] = "Use one word of letters and digits, e.g. “k8s”."
        if not self.phrases():
            errors["meanings"] = "Give at least one meaning."
        if errors:
            raise ValidationError(errors)

    def phrases(self) -> list[str]:
        """The meanings, lower-cased, each once."""
        parts = (" ".join(part.split()).lower() for part in self.meanings.split(","))
        return list(dict.fromkeys(part for part in parts if part))

    def forms(self) -> list[str]:
        """Every way of saying it: the term first, then its meanings."""
        return list(dict.fromkeys([self.term.strip().lower(), *self.phrases()]))
