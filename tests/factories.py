"""Small factory functions, each making one row with sensible defaults, and the helpers
that tests share (the fixture's path, the content models, the guide's pages)."""

from itertools import count

from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.db import connection
from django.forms.models import inlineformset_factory
from django.urls import reverse

from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentList,
    ContentVersion,
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
from guide.progress import set_stage_done
from guide.serving.kept import forget_recent

FIXTURE = settings.BASE_DIR / "fixtures" / "guide.json"

# Every content model, each after every model its rows point at.
MODELS = [
    Section,
    ContentList,
    ListItem,
    SkillCategory,
    RoadmapStage,
    Skill,
    PortfolioProject,
    ChecklistItem,
    Resource,
    CareerLevel,
    SalaryBand,
    Provider,
    Certification,
]
# Their tables, each many-to-many table right after its model: an order to insert in.
CONTENT_TABLES = [
    table
    for model in MODELS
    for table in (model, *(field.remote_field.through for field in model._meta.many_to_many))
]

# The pages tests visit most.
HOME = reverse("guide:home")
ROADMAP = reverse("guide:roadmap")
SKILLS = reverse("guide:skills")
PROJECTS = reverse("guide:projects")
CAREER = reverse("guide:career")
SALARIES = reverse("guide:salaries")
CERTIFICATIONS = reverse("guide:certifications")
SEARCH = reverse("guide:search")
CHANGES = reverse("guide:changes")
FEED = reverse("guide:changes-feed")
DASHBOARD = reverse("guide:progress")
DEEP_LEARNING_STAGE = reverse("guide:stage", args=["learn-deep-learning"])
HTMX = {"HTTP_HX_REQUEST": "true"}
ORIGIN = "http://testserver"  # the test client's: absolute addresses start with it

_numbers = count(1000)


def clear_guide() -> None:
    """Delete the whole guide (inside the test's transaction), for tests of an empty one."""
    with connection.cursor() as cursor:
        for table in reversed(CONTENT_TABLES):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table._meta.db_table)}")


def site_urls() -> list[str]:
    """Every reading page of the guide as it stands."""
    urls = [HOME, ROADMAP, SKILLS, PROJECTS, CAREER, SALARIES, CERTIFICATIONS, CHANGES]
    urls += [section.get_absolute_url() for section in Section.objects.published()]
    urls += [stage.get_absolute_url() for stage in RoadmapStage.objects.published()]
    return urls


def tick_url(slug: str) -> str:
    """Where the form of the checklist item `slug` posts its tick."""
    return reverse("guide:tick-item", args=[slug])


def tick(client, slug: str, *, done: bool = True, next_url: str | None = None, **headers):
    """Tick (or untick) the checklist item `slug` as the roadmap's form does, coming back
    to `next_url` if given (its hidden `next` field); the response."""
    data = {"done": "1" if done else "0"}
    if next_url is not None:
        data["next"] = next_url
    return client.post(tick_url(slug), data, **headers)


def tick_stage(user, number: int) -> None:
    """Tick every item of stage `number` for `user`, as the stage's button does."""
    stage = RoadmapStage.objects.get(number=number)
    set_stage_done(owner={"user": user}, stage=stage, done=True, drafts=False)


def typed_note(characters: int, lines: int, *, line_break: str = "\r\n") -> str:
    """A note `characters` long as the textarea counts them (a line break is one), over
    `lines` lines: breaks as a browser posts them (CRLF), or `line_break` to type them."""
    width = (characters - (lines - 1)) // lines
    rows = ["x" * width] * (lines - 1)
    rows.append("y" * (characters - (lines - 1) - width * (lines - 1)))
    return line_break.join(rows)


def edit_every_kind() -> None:
    """Save a row of every kind, as an editor's change does: each gets a history record
    (the fixture's rows are loaded without one), and the content version moves on."""
    for model in MODELS:
        model.objects.order_by("pk").first().save()


def add_more_content() -> None:
    """More of every kind of row, to show that a page's queries do not grow with them."""
    section = Section.objects.get(slug="what-does-a-machine-learning-engineer-do")
    for _ in range(3):
        content_list = make_list(section, heading="Extra")
        for _ in range(4):
            make_list_item(content_list)
    for _ in range(4):
        stage = make_stage()
        for _ in range(6):
            item = make_item(stage)
            for _ in range(2):
                make_resource(item)
        category = make_category()
        for _ in range(5):
            make_skill(category).stages.add(stage)
        make_level(max_years=None)
        make_band()
        make_certification(make_provider())
        make_project().skills.add(*category.skills.all())


def _next() -> int:
    return next(_numbers)


def make_section(**fields) -> Section:
    n = _next()
    return Section.objects.create(
        **{"slug": f"section-{n}", "position": n, "title": f"Section {n}", **fields}
    )


def make_list(section: Section, **fields) -> ContentList:
    n = _next()
    return ContentList.objects.create(
        **{"slug": f"list-{n}", "section": section, "position": n, **fields}
    )


def make_list_item(content_list: ContentList, **fields) -> ListItem:
    n = _next()
    return ListItem.objects.create(
        **{
            "slug": f"entry-{n}",
            "content_list": content_list,
            "position": n,
            "text": f"Entry {n}",
            **fields,
        }
    )


def make_stage(**fields) -> RoadmapStage:
    n = _next()
    return RoadmapStage.objects.create(
        **{"slug": f"stage-{n}", "number": n, "title": f"Stage {n}", **fields}
    )


def make_item(stage: RoadmapStage, **fields) -> ChecklistItem:
    n = _next()
    return ChecklistItem.objects.create(
        **{"slug": f"item-{n}", "stage": stage, "position": n, "title": f"Item {n}", **fields}
    )


def make_resource(item: ChecklistItem, **fields) -> Resource:
    n = _next()
    return Resource.objects.create(
        **{
            "slug": f"resource-{n}",
            "item": item,
            "position": n,
            "title": f"Resource {n}",
            "url": f"https://docs.example.org/{n}/",
            **fields,
        }
    )


def make_category(**fields) -> SkillCategory:
    n = _next()
    return SkillCategory.objects.create(
        **{"slug": f"category-{n}", "position": n, "name": f"Category {n}", **fields}
    )


def make_skill(category: SkillCategory, **fields) -> Skill:
    n = _next()
    return Skill.objects.create(
        **{
            "slug": f"skill-{n}",
            "category": category,
            "position": n,
            "name": f"Skill {n}",
            **fields,
        }
    )


def make_project(**fields) -> PortfolioProject:
    n = _next()
    return PortfolioProject.objects.create(
        **{
            "slug": f"project-{n}",
            "position": n,
            "title": f"Project {n}",
            "skill_area": "NLP",
            **fields,
        }
    )


def make_level(**fields) -> CareerLevel:
    n = _next()
    return CareerLevel.objects.create(
        **{"slug": f"level-{n}", "position": n, "title": f"Level {n}", "min_years": 1, **fields}
    )


def make_band(**fields) -> SalaryBand:
    n = _next()
    return SalaryBand.objects.create(
        **{
            "slug": f"band-{n}",
            "position": n,
            "level": f"Band {n}",
            "min_usd": 1,
            "max_usd": 2,
            **fields,
        }
    )


def make_provider(**fields) -> Provider:
    n = _next()
    return Provider.objects.create(**{"slug": f"provider-{n}", "name": f"Provider {n}", **fields})


def make_certification(provider: Provider, **fields) -> Certification:
    n = _next()
    return Certification.objects.create(
        **{"slug": f"cert-{n}", "position": n, "name": f"Cert {n}", "provider": provider, **fields}
    )


def change_url(obj) -> str:
    return reverse(f"admin:guide_{obj._meta.model_name}_change", args=[obj.pk])


def inline_management(obj) -> dict:
    """The management forms of the inlines on `obj`'s admin page, with no rows: a post
    that leaves the rows inside `obj` as they are."""
    data = {}
    for inline in admin.site.get_model_admin(type(obj)).inlines:
        formset = inlineformset_factory(type(obj), inline.model, fk_name=inline.fk_name, fields=())
        prefix = formset.get_default_prefix()  # as the admin names the inline's forms
        data |= {f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0}
    return data


def form_data(obj, **changes) -> dict:
    """The admin form's fields for `obj`, as its change page would post them."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(obj, field.attname)
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
            continue
        data[field.name] = "" if value is None else value
    for field in obj._meta.many_to_many:
        data[field.name] = [related.pk for related in getattr(obj, field.name).all()]
    data.update(inline_management(obj))
    data.update(changes)
    return {key: value for key, value in data.items() if value is not False}


def forget_kept() -> None:
    """Nothing kept: no page, skeleton, part or rate limit in the cache, nothing in this
    process's memory of the content version (a cold start)."""
    cache.clear()
    forget_recent()
    ContentVersion.forget_lease()
