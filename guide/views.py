from http import HTTPStatus

from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guide.models import (
    CareerLevel,
    Certification,
    ContentList,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    SkillCategory,
)


def neighbours(rows: list, current) -> tuple:
    """Return the rows before and after `current` in `rows` (None at either end)."""
    index = rows.index(current)
    previous = rows[index - 1] if index > 0 else None
    following = rows[index + 1] if index + 1 < len(rows) else None
    return previous, following


def feature_context(feature: str) -> dict:
    """The structured content a section shows after its text."""
    match feature:
        case Section.Feature.SKILLS:
            return {"categories": SkillCategory.objects.with_skills()}
        case Section.Feature.ROADMAP:
            return {"stages": RoadmapStage.objects.with_items()}
        case Section.Feature.CAREER:
            return {"levels": CareerLevel.objects.all()}
        case Section.Feature.SALARIES:
            return {"bands": SalaryBand.objects.all()}
        case Section.Feature.CERTIFICATIONS:
            return {"certifications": Certification.objects.select_related("provider")}
    return {}


def section_for(feature: str) -> Section | None:
    """The article section that carries a structured page's text."""
    return Section.objects.filter(feature=feature).first()


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    sections = list(Section.objects.all())
    context = {
        "introduction": sections[0] if sections else None,
        "sections": sections[1:],
        "stages": RoadmapStage.objects.annotate(item_count=Count("items")),
    }
    return render(request, "guide/home.html", context)


@require_safe
def section(request: HttpRequest, slug: str) -> HttpResponse:
    sections = list(Section.objects.all())
    current = next((row for row in sections if row.slug == slug), None)
    if current is None:
        raise Http404("No section with that address.")
    previous, following = neighbours(sections, current)
    context = {
        "section": current,
        "lists": ContentList.objects.filter(section=current).with_items(),
        "previous": previous,
        "next": following,
        **feature_context(current.feature),
    }
    return render(request, "guide/section.html", context)


@require_safe
def roadmap(request: HttpRequest) -> HttpResponse:
    context = {
        "section": section_for(Section.Feature.ROADMAP),
        "stages": RoadmapStage.objects.with_items(),
    }
    return render(request, "guide/roadmap.html", context)


@require_safe
def stage(request: HttpRequest, slug: str) -> HttpResponse:
    stages = list(RoadmapStage.objects.all())
    current = next((row for row in stages if row.slug == slug), None)
    if current is None:
        raise Http404("No roadmap stage with that address.")
    previous, following = neighbours(stages, current)
    context = {
        "stage": current,
        "items": list(current.items.select_related("project")),
        "skills": current.skills.select_related("category"),
        "previous": previous,
        "next": following,
    }
    return render(request, "guide/stage.html", context)


@require_safe
def skills(request: HttpRequest) -> HttpResponse:
    context = {
        "section": section_for(Section.Feature.SKILLS),
        "categories": SkillCategory.objects.with_skills(),
    }
    return render(request, "guide/skills.html", context)


@require_safe
def projects(request: HttpRequest) -> HttpResponse:
    rows = list(
        PortfolioProject.objects.prefetch_related("skills").select_related("checklist_item__stage")
    )
    context = {"projects": rows}
    return render(request, "guide/projects.html", context)


@require_safe
def career(request: HttpRequest) -> HttpResponse:
    context = {
        "section": section_for(Section.Feature.CAREER),
        "levels": CareerLevel.objects.all(),
    }
    return render(request, "guide/career.html", context)


@require_safe
def salaries(request: HttpRequest) -> HttpResponse:
    context = {
        "section": section_for(Section.Feature.SALARIES),
        "bands": SalaryBand.objects.all(),
    }
    return render(request, "guide/salaries.html", context)


@require_safe
def certifications(request: HttpRequest) -> HttpResponse:
    context = {
        "section": section_for(Section.Feature.CERTIFICATIONS),
        "certifications": Certification.objects.select_related("provider"),
    }
    return render(request, "guide/certifications.html", context)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse(
            "database unavailable",
            content_type="text/plain",
            status=HTTPStatus.SERVICE_UNAVAILABLE,
        )
    return HttpResponse("ok", content_type="text/plain")
