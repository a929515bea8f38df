"""The reading pages: the guide's sections, the filtered lists and the search.

Each view asks once whether the visitor is an editor (`drafts`) and passes the answer to
every queryset, form and search it uses: readers never see a draft.
"""

from collections.abc import Callable
from http import HTTPStatus

from django.db.models import Max, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from guide.charts import salary_chart
from guide.forms import (
    CareerFilterForm,
    CertificationFilterForm,
    FilterForm,
    ProjectFilterForm,
    SalaryFilterForm,
    SearchForm,
    SkillFilterForm,
)
from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentList,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    SkillCategory,
)
from guide.pagecache import reader_page
from guide.search import search, suggestion
from guide.views.helpers import HtmxHttpRequest, neighbours, section_for
from guide.visibility import is_editor

LIVE_SEARCH_TARGET = "site-search-results"


def feature_context(feature: str, *, drafts: bool) -> dict:
    """The structured content a section shows after its text."""
    match feature:
        case Section.Feature.SKILLS:
            skills = Skill.objects.visible(drafts)
            return {
                "categories": SkillCategory.objects.visible(drafts).with_skills(
                    skills, drafts=drafts
                )
            }
        case Section.Feature.ROADMAP:
            return {"stages": RoadmapStage.objects.visible(drafts).with_items(drafts)}
        case Section.Feature.CAREER:
            return {"levels": CareerLevel.objects.visible(drafts)}
        case Section.Feature.SALARIES:
            return {"bands": SalaryBand.objects.visible(drafts)}
        case Section.Feature.CERTIFICATIONS:
            certifications = Certification.objects.visible(drafts)
            return {"certifications": certifications.select_related("provider")}
    return {}


@reader_page
def home(request: HttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    sections = list(Section.objects.visible(drafts))
    context = {
        "introduction": sections[0] if sections else None,
        "sections": sections[1:],
        "stages": RoadmapStage.objects.visible(drafts).with_item_count(drafts),
    }
    return render(request, "guide/home.html", context)


@reader_page
def section(request: HttpRequest, slug: str) -> HttpResponse:
    drafts = is_editor(request)
    sections = list(Section.objects.visible(drafts))
    current = next((row for row in sections if row.slug == slug), None)
    if current is None:
        raise Http404("No section with that address.")
    previous, following = neighbours(sections, current)
    context = {
        "section": current,
        "lists": ContentList.objects.visible(drafts).filter(section=current).with_items(drafts),
        "previous": previous,
        "next": following,
        **feature_context(current.feature, drafts=drafts),
    }
    return render(request, "guide/section.html", context)


def filtered_page(view):
    """A reading page with a filter form: GET only, a cacheable whole page or region."""
    return reader_page(view)


def render_filtered(
    request: HtmxHttpRequest,
    template: str,
    form: FilterForm,
    *,
    noun: str,
    results: Callable[..., dict],
    partial: str = "results",
    **context,
) -> HttpResponse:
    """Render a page with a filter form: the results region alone for htmx requests.

    `results(**filters)` gives the results' context, with their `count`; it is asked only
    for valid filters. Invalid filters answer 400 with the form's messages, in the page or
    the region. A history restore is never answered with the fragment: it needs the page.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    valid = form.is_valid()
    context |= {
        "form": form,
        "active_filters": form.active_filters(),
        "noun": noun,
        "count": None,
        "filtered": bool(form.filters()),
        **(results(**form.filters()) if valid else {}),
    }
    status = HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST
    return render(request, template, context, status=status)


@filtered_page
def skills(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(**filters) -> dict:
        shown = Skill.objects.visible(drafts).filtered(**filters).by_category(drafts=drafts)
        return {
            "categories": shown,
            "count": sum(len(category.shown_skills) for category in shown),
        }

    return render_filtered(
        request,
        "guide/skills.html",
        SkillFilterForm(request.GET, drafts=drafts),
        noun="skill",
        results=results,
        section=section_for(Section.Feature.SKILLS, drafts=drafts),
    )


@filtered_page
def projects(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    visible_projects = PortfolioProject.objects.visible(drafts)

    def results(**filters) -> dict:
        rows = visible_projects.filtered(**filters).prefetch_related(
            Prefetch("skills", Skill.objects.visible(drafts))
        )
        rows = list(rows)
        return {"projects": rows, "count": len(rows)}

    return render_filtered(
        request,
        "guide/projects.html",
        ProjectFilterForm(request.GET, drafts=drafts),
        noun="project",
        results=results,
        stage=RoadmapStage.objects.visible(drafts)
        .filter(
            items__in=ChecklistItem.objects.visible(drafts), items__project__in=visible_projects
        )
        .first(),
    )


@filtered_page
def career(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(**filters) -> dict:
        levels = list(CareerLevel.objects.visible(drafts).filtered(**filters))
        return {"levels": levels, "count": len(levels)}

    return render_filtered(
        request,
        "guide/career.html",
        CareerFilterForm(request.GET, drafts=drafts),
        noun="career level",
        results=results,
        section=section_for(Section.Feature.CAREER, drafts=drafts),
    )


@filtered_page
def salaries(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(**filters) -> dict:
        every_band = SalaryBand.objects.visible(drafts)
        bands = list(every_band.filtered(**filters))
        # One dollar axis for every level, so that a filtered chart keeps its scale.
        axis_top = every_band.aggregate(top=Max("max_usd"))["top"] or 0
        return {
            "bands": bands,
            "count": len(bands),
            "chart": salary_chart(bands, axis_top=axis_top),
        }

    return render_filtered(
        request,
        "guide/salaries.html",
        SalaryFilterForm(request.GET, drafts=drafts),
        noun="salary band",
        results=results,
        section=section_for(Section.Feature.SALARIES, drafts=drafts),
    )


@filtered_page
def certifications(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(**filters) -> dict:
        rows = Certification.objects.visible(drafts).filtered(**filters)
        rows = list(rows.select_related("provider"))
        return {"certifications": rows, "count": len(rows)}

    return render_filtered(
        request,
        "guide/certifications.html",
        CertificationFilterForm(request.GET, drafts=drafts),
        noun="certification",
        results=results,
        section=section_for(Section.Feature.CERTIFICATIONS, drafts=drafts),
    )


@filtered_page
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(q: str = "") -> dict:
        hits = search(q, drafts=drafts)
        suggested = suggestion(q) if q and not hits else None
        return {
            "query": q,
            "hits": hits,
            "count": len(hits) if q else None,
            "suggested": suggested,
        }

    return render_filtered(
        request,
        "guide/search.html",
        SearchForm(request.GET, drafts=drafts),
        noun="result",
        results=results,
        # The header's search box asks for its own short list of results.
        partial="live" if request.htmx.target == LIVE_SEARCH_TARGET else "results",
    )
