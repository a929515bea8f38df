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
from guide.together import Most, read_together


def changed(*sources: models.QuerySet) -> Most:
    """When any row of `sources` (content querysets) last changed, as a part to read with
    a page's rows (guide.together).

    Each source is the rows a page shows (already filtered for what the visitor may see);
    their history records are read through a subquery, so the part stays one query
    however many rows and kinds a page shows.
    """
    return Most(
        "history_date",
        tuple(
            source.model.history.filter(id__in=source.order_by().values("pk"))
            for source in sources
        ),
    )


def last_changed(*sources: models.QuerySet) -> datetime | None:
    """When any row of `sources` last changed, read on its own (one query)."""
    (latest,) = read_together(changed(*sources))
    return latest


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
# What `get_absolute_url` of each kind reads, so that linking a change costs no query per row.
URL_RELATIONS = {
    ContentList: ["section"],
    ListItem: ["content_list__section"],
    ChecklistItem: ["stage"],
    Resource: ["item__stage"],
}
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
    the rows they name (of every kind together), to link each change to its page.
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
    named = read_together(*(linkable(model, pks) for model, pks in wanted.items()))
    urls = {
        (model, row.pk): row.get_absolute_url()
        for model, rows_of_kind in zip(wanted, named, strict=True)
        for row in rows_of_kind
    }
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


def linkable(model: type[models.Model], pks: set[int]) -> models.QuerySet:
    """The rows of `model` with these keys, with what their `get_absolute_url` reads."""
    rows = model.objects.filter(pk__in=pks)
    relations = URL_RELATIONS.get(model)
    return rows.select_related(*relations) if relations else rows


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
