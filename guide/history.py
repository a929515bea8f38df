"""When the guide changed, from the content's own history records (django-simple-history).

`last_changed` dates what a page shows with one query; `published_changes` lists the
changes readers may know about: published rows only, never who made them.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models

from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentList,
    ListItem,
    PortfolioProject,
    Provider,
    Resource,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    SkillCategory,
)


def last_changed(*sources: models.QuerySet) -> datetime | None:
    """When any row of `sources` (content querysets, the rows a page shows, already
    filtered for what the visitor may see) last changed: one query, however many rows and
    kinds a page shows (their history records' dates, through a subquery each, in a UNION)."""
    if not sources:
        return None
    dates = [
        source.model.history.filter(id__in=source.order_by().values("pk"))
        .order_by()
        .values_list("history_date", flat=True)
        for source in sources
    ]
    first, *rest = dates
    return (first.union(*rest, all=True) if rest else first).order_by("-history_date").first()


# Each kind of content: its history's name field and the relation that carries its page.
NAME_FIELDS = {
    Section: "title",
    ContentList: "heading",
    ListItem: "text",
    RoadmapStage: "title",
    ChecklistItem: "title",
    Resource: "title",
    SkillCategory: "name",
    Skill: "name",
    PortfolioProject: "title",
    CareerLevel: "title",
    SalaryBand: "level",
    Provider: "name",
    Certification: "name",
}
# The rows whose slugs `get_absolute_url` of each kind reads besides its own (the page's).
URL_RELATIONS = {
    ContentList: ("section",),
    ListItem: ("content_list", "section"),
    ChecklistItem: ("stage",),
    Resource: ("item", "stage"),
}
URL_DEPTH = max(map(len, URL_RELATIONS.values()))
KINDS = {"+": "Added", "~": "Changed", "-": "Removed"}


@dataclass(frozen=True)
class Change:
    id: str  # unique and stable: the kind of row and its history record
    date: datetime
    kind: str  # Added, Changed or Removed
    what: str  # the kind of row, e.g. "roadmap stage"
    name: str
    url: str | None  # the page that shows it (None once removed)


def published_changes(limit: int = 50) -> list[Change]:
    """The latest `limit` changes to published content, newest first.

    A change counts when the row was published after it (a draft's edits never show) and
    the row it belongs to is published now; a changed row must still be published (its
    link works). Editors' names are never read. One query for the records, then one for
    the addresses of the rows they name (of every kind together: `page_urls`).
    """
    labels = {model: index for index, model in enumerate(NAME_FIELDS)}
    records = []
    for model, name_field in NAME_FIELDS.items():
        history = model.history.filter(published=True)
        if model.published_parents:
            parent = model._meta.get_field(model.published_parents[0])
            parent_rows = parent.related_model.objects.published().values("pk")
            history = history.filter(**{f"{parent.name}_id__in": parent_rows})
        current = model.objects.published().values("pk")
        history = history.filter(models.Q(id__in=current) | models.Q(history_type="-"))
        records.append(
            history.order_by()
            .annotate(kind_of_row=models.Value(labels[model]), label=models.F(name_field))
            .values_list(
                "kind_of_row", "history_id", "id", "history_date", "history_type", "label"
            )
        )
    first, *rest = records
    rows = list(first.union(*rest, all=True).order_by("-history_date", "-history_id")[:limit])
    models_by_label = list(NAME_FIELDS)
    wanted: dict[type, set[int]] = {}
    for label, _, pk, _, history_type, _ in rows:
        if history_type != "-":
            wanted.setdefault(models_by_label[label], set()).add(pk)
    urls = page_urls(wanted)
    return [
        Change(
            id=f"{models_by_label[label]._meta.model_name}-{history_id}",
            date=date,
            kind=KINDS[history_type],
            what=str(models_by_label[label]._meta.verbose_name),
            name=name or str(models_by_label[label]._meta.verbose_name).capitalize(),
            url=urls.get((models_by_label[label], pk)) if history_type != "-" else None,
        )
        for label, history_id, pk, date, history_type, name in rows
    ]


def page_urls(wanted: dict[type[models.Model], set[int]]) -> dict[tuple[type, int], str]:
    """The address of each wanted row, by kind and key, in one query for every kind: the
    row's slug and those of the rows its page belongs to (`URL_RELATIONS`), from which its
    `get_absolute_url` works without reading any row whole."""
    parts = []
    for label, (model, pks) in enumerate(wanted.items()):
        relations = URL_RELATIONS.get(model, ())
        slugs = ["__".join([*relations[: depth + 1], "slug"]) for depth in range(len(relations))]
        columns = [models.F(slug) for slug in slugs]
        columns += [models.Value("")] * (URL_DEPTH - len(columns))
        parents = {f"parent{depth}": column for depth, column in enumerate(columns)}
        parts.append(
            model.objects.filter(pk__in=pks)
            .order_by()
            .annotate(kind_of_row=models.Value(label), **parents)
            .values_list("kind_of_row", "pk", "slug", *parents)
        )
    if not parts:
        return {}
    kinds = list(wanted)
    first, *rest = parts
    # Ordered by a column of the result: a UNION would otherwise take the first model's
    # Meta.ordering, which names a column it does not select.
    rows = (first.union(*rest, all=True) if rest else first).order_by("kind_of_row")
    return {
        (kinds[label], pk): unsaved(kinds[label], slug, parents).get_absolute_url()
        for label, pk, slug, *parents in rows
    }


def unsaved(model: type[models.Model], slug: str, parent_slugs: list[str]) -> models.Model:
    """A row of `model` with only its slug, joined to the rows its page belongs to with
    theirs: enough for `get_absolute_url`."""
    row = current = model(slug=slug)
    for name, parent_slug in zip(URL_RELATIONS.get(model, ()), parent_slugs, strict=False):
        field = type(current)._meta.get_field(name)
        parent = field.related_model(slug=parent_slug)
        field.set_cached_value(current, parent)
        current = parent
    return row


# What each reading page shows, as the content querysets `last_changed` dates.
FEATURE_MODELS = {
    Section.Feature.SKILLS: (SkillCategory, Skill),
    Section.Feature.ROADMAP: (RoadmapStage, ChecklistItem, Resource),
    Section.Feature.CAREER: (CareerLevel,),
    Section.Feature.SALARIES: (SalaryBand,),
    Section.Feature.CERTIFICATIONS: (Certification, Provider),
}


def feature_sources(feature: str, *, drafts: bool) -> tuple[models.QuerySet, ...]:
    return tuple(model.objects.visible(drafts) for model in FEATURE_MODELS.get(feature, ()))


def home_sources(*, drafts: bool) -> tuple[models.QuerySet, ...]:
    return (
        Section.objects.visible(drafts),
        RoadmapStage.objects.visible(drafts),
        ChecklistItem.objects.visible(drafts),
    )


def section_sources(section: Section, *, drafts: bool) -> tuple[models.QuerySet, ...]:
    """A section's text and lists, and what its feature shows."""
    return (
        *section_text_sources(section.slug, drafts=drafts),
        *feature_sources(section.feature, drafts=drafts),
    )


def section_text_sources(slug: str, *, drafts: bool) -> tuple[models.QuerySet, ...]:
    """A section's text and its lists (known by the section's address alone, so that they
    can be read with the section itself)."""
    return (
        Section.objects.visible(drafts).filter(slug=slug),
        ContentList.objects.visible(drafts).filter(section__slug=slug),
        ListItem.objects.visible(drafts).filter(content_list__section__slug=slug),
    )


def list_page_sources(feature: str, *, drafts: bool) -> tuple[models.QuerySet, ...]:
    """A page of structured content (skills, career, salaries...) and its section's text."""
    return (
        Section.objects.visible(drafts).filter(feature=feature),
        *feature_sources(feature, drafts=drafts),
        *((RoadmapStage.objects.visible(drafts),) if feature == Section.Feature.SKILLS else ()),
    )


def projects_sources(*, drafts: bool) -> tuple[models.QuerySet, ...]:
    return (
        PortfolioProject.objects.visible(drafts),
        Skill.objects.visible(drafts),
        RoadmapStage.objects.visible(drafts).filter(items__project__isnull=False),
    )


def stage_sources(stage: RoadmapStage, *, drafts: bool) -> tuple[models.QuerySet, ...]:
    return (
        RoadmapStage.objects.filter(pk=stage.pk),
        ChecklistItem.objects.visible(drafts).filter(stage=stage),
        Resource.objects.visible(drafts).filter(item__stage=stage),
        Skill.objects.visible(drafts).filter(stages=stage),
        PortfolioProject.objects.visible(drafts).filter(checklist_item__stage=stage),
    )


def every_source() -> tuple[models.QuerySet, ...]:
    """All published content: what the list of changes covers."""
    return tuple(model.objects.published() for model in NAME_FIELDS)
