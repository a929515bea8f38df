"""The guide's content: everything the article says, as rows an editor can change.

Every content row has a unique slug as its natural key, so `loaddata` updates
rows in place and anything tied to content (user progress) survives reloading,
reordering and renaming.
"""

from functools import reduce

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from guide.models.version import ContentVersion
from guide.text import words_q

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
        group with `by_category`)."""
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
