"""The reading pages: the guide's sections, the filtered lists and the search.

Each view asks once whether the visitor is an editor (`drafts`) and passes the answer to
every queryset, form and search it uses: readers never see a draft.
"""

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from guide import history, seo
from guide import progress as rules
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
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    by_category,
)
from guide.search import search, suggestion
from guide.seo import Crumb, PageMeta, describe, listing, page_title
from guide.serving.pagecache import reader_page
from guide.text import plain_text
from guide.views.helpers import HtmxHttpRequest, neighbours, section_for
from guide.visibility import is_editor

LIVE_SEARCH_TARGET = "site-search-results"
# The introduction's own page has its title: the home page names the whole site.
HOME_TITLE = "Machine Learning Engineer Career Path: skills, roadmap, salaries"


def feature_context(feature: str, *, drafts: bool) -> dict:
    """The structured content a section shows after its text (none without a feature)."""
    match feature:
        case Section.Feature.SKILLS:
            skills = Skill.objects.visible(drafts).for_listing(drafts=drafts)
            return {"categories": by_category(list(skills))}
        case Section.Feature.ROADMAP:
            return {"stages": list(RoadmapStage.objects.visible(drafts).with_items(drafts))}
        case Section.Feature.CAREER:
            return {"levels": list(CareerLevel.objects.visible(drafts))}
        case Section.Feature.SALARIES:
            return {"bands": list(SalaryBand.objects.visible(drafts))}
        case Section.Feature.CERTIFICATIONS:
            certifications = Certification.objects.visible(drafts).select_related("provider")
            return {"certifications": list(certifications)}
    return {}


@reader_page
def home(request: HttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    sections = list(Section.objects.visible(drafts))
    introduction = sections[0] if sections else None
    intro_lead, intro_rest = first_paragraph(introduction.body if introduction else "")
    description = listing(
        f"The machine learning engineer career path in {len(sections)} sections",
        (row.title for row in sections[1:]),
    )
    path = reverse("guide:home")
    occupation = seo.occupation(
        description=description,
        url=request.build_absolute_uri(path),
        skills=Skill.objects.visible(drafts),
        bands=SalaryBand.objects.visible(drafts),
    )
    context = {
        "introduction": introduction,
        "intro_lead": intro_lead,
        "intro_rest": intro_rest,
        "sections": sections[1:],
        # The roadmap at a glance: the outline a learner's "continue" reads too.
        "glance": [
            (stage, len(items)) for stage, items in rules.roadmap_outline(request, drafts=drafts)
        ],
        "project_count": PortfolioProject.objects.visible(drafts).count(),
        "page": PageMeta(
            request,
            title=HOME_TITLE,
            description=description,
            path=path,
            updated=history.last_changed(*history.home_sources(drafts=drafts)),
            extra_data=[occupation],
            edits=introduction or Section,
        ),
    }
    return render(request, "guide/home.html", context)


def first_paragraph(markdown_text: str) -> tuple[str, str]:
    """Markdown's first block and the rest: the home page puts its calls to action and the
    contents after the introduction's first paragraph."""
    lead, _, rest = markdown_text.strip().partition("\n\n")
    return lead, rest.strip()


@reader_page
def section(request: HttpRequest, slug: str) -> HttpResponse:
    drafts = is_editor(request)
    sections = list(Section.objects.visible(drafts))
    current = next((row for row in sections if row.slug == slug), None)
    if current is None:
        raise Http404("No section with that address.")
    lists = list(current.lists.visible(drafts).with_items(drafts))
    previous, following = neighbours(sections, current)
    context = {
        "section": current,
        "lists": lists,
        "previous": previous,
        "next": following,
        **feature_context(current.feature, drafts=drafts),
    }
    context["page"] = PageMeta(
        request,
        title=page_title(current.title),
        description=section_description(current, lists, context),
        path=current.get_absolute_url(),
        crumbs=[
            Crumb("Guide", f"{reverse('guide:home')}#contents"),
            Crumb(current.title, current.get_absolute_url()),
        ],
        updated=history.last_changed(*history.section_sources(current, drafts=drafts)),
        og_type="article",
        article=True,
        edits=current,
    )
    return render(request, "guide/section.html", context)


def section_description(section: Section, lists, context: dict) -> str:
    """The section's first sentences; a section without text is described by what it lists."""
    if text := describe(plain_text(section.body), plain_text(section.closing)):
        return text
    if stages := context.get("stages"):
        titles = ", ".join(stage.title for stage in stages)
        return describe(f"{section.title}, in {len(stages)} stages: {titles}.")
    headings = ", ".join(row.heading for row in lists if row.heading)
    return describe(f"{section.title}: {headings}." if headings else f"{section.title}.")


def render_filtered(
    request: HtmxHttpRequest,
    template: str,
    form: FilterForm,
    *,
    noun: str,
    results: Callable[..., dict],
    page: Callable[[dict], PageMeta],
    around: Callable[[], dict] = dict,
    partial: str = "results",
) -> HttpResponse:
    """Render a page with a filter form: the results region alone for htmx requests.

    `results(**filters)` gives the results' context, with their `count`; it is asked only
    for valid filters. Invalid filters answer 400 with the form's messages, in the page or
    the region. A history restore is never answered with the fragment: it needs the page.
    The whole page also gets `around()` (what it shows around the results) and its
    metadata, `page(context)`; a region needs neither.
    """
    region = request.htmx and not request.htmx.history_restore_request
    if region:
        template = f"{template}#{partial}"
    valid = form.is_valid()
    context = {
        "form": form,
        "active_filters": form.active_filters(),
        "noun": noun,
        "count": None,
        "filtered": bool(form.filters()),
        **(results(**form.filters()) if valid else {}),
    }
    if not region:
        context.update(around())
        context["page"] = page(context)
    status = HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST
    return render(request, template, context, status=status)


@dataclass(frozen=True)
class Listing:
    """A page that lists rows of one kind (`edits`) behind a filter form: what the one
    view, `filtered_list`, needs to know of it."""

    template: str
    form: type[FilterForm]
    noun: str
    name: str  # in the title
    edits: type[Model]
    # The results' context, with their `count`, for the visitor (`drafts`) and the filters.
    results: Callable[..., dict]
    # The page's description, from its context.
    description: Callable[[dict], str]
    # What the page shows, to date it ("Last updated").
    sources: Callable[[bool], tuple[QuerySet, ...]]
    # What the page shows around the results (its section's text, say).
    around: Callable[[bool], dict]
    crumb: str = ""  # in the breadcrumbs, when not `name`


@reader_page
def filtered_list(request: HtmxHttpRequest, listing: Listing) -> HttpResponse:
    drafts = is_editor(request)
    return render_filtered(
        request,
        listing.template,
        listing.form(request.GET, drafts=drafts),
        noun=listing.noun,
        results=lambda **filters: listing.results(drafts, **filters),
        page=lambda context: PageMeta(
            request,
            title=page_title(listing.name),
            description=listing.description(context),
            path=request.path,  # filters never change the canonical address
            crumbs=[Crumb(listing.crumb or listing.name, request.path)],
            updated=history.last_changed(*listing.sources(drafts)),
            edits=listing.edits,
        ),
        around=lambda: listing.around(drafts),
    )


def with_section(feature: str) -> Callable[[bool], dict]:
    """A list page's text: the article section that carries it."""
    return lambda drafts: {"section": section_for(feature, drafts=drafts)}


def skill_results(drafts: bool, **filters) -> dict:
    skills = Skill.objects.visible(drafts).filtered(**filters).for_listing(drafts=drafts)
    shown = by_category(list(skills))
    return {"categories": shown, "count": sum(len(category.shown_skills) for category in shown)}


def project_results(drafts: bool, **filters) -> dict:
    rows = PortfolioProject.objects.visible(drafts).filtered(**filters)
    rows = list(rows.prefetch_related(Prefetch("skills", Skill.objects.visible(drafts))))
    return {"projects": rows, "count": len(rows)}


def projects_stage(drafts: bool) -> dict:
    """The roadmap stage whose items are the projects."""
    items = ChecklistItem.objects.visible(drafts).filter(
        stage=OuterRef("pk"), project__in=PortfolioProject.objects.visible(drafts)
    )
    return {"stage": RoadmapStage.objects.visible(drafts).filter(Exists(items)).first()}


def career_results(drafts: bool, **filters) -> dict:
    levels = list(CareerLevel.objects.visible(drafts).filtered(**filters))
    return {"levels": levels, "count": len(levels)}


def salary_results(drafts: bool, **filters) -> dict:
    every_band = SalaryBand.objects.visible(drafts)
    bands = list(every_band.filtered(**filters).with_axis_top(every_band))
    # One dollar axis for every level, so that a filtered chart keeps its scale (no band
    # shown: there is none at all).
    axis_top = bands[0].axis_top if bands else 0
    return {"bands": bands, "count": len(bands), "chart": salary_chart(bands, axis_top=axis_top)}


def certification_results(drafts: bool, **filters) -> dict:
    rows = Certification.objects.visible(drafts).filtered(**filters).select_related("provider")
    rows = list(rows)
    return {"certifications": rows, "count": len(rows)}


def feature_page_sources(feature: str) -> Callable[[bool], tuple[QuerySet, ...]]:
    return lambda drafts: history.list_page_sources(feature, drafts=drafts)


SKILLS = Listing(
    template="guide/skills.html",
    form=SkillFilterForm,
    noun="skill",
    name="Skills",
    edits=Skill,
    results=skill_results,
    description=lambda context: listing(
        f"{context['count'] or 'The'} skills a machine learning engineer needs, by area",
        (category.name for category in context.get("categories", [])),
        separator=", ",
    ),
    sources=feature_page_sources(Section.Feature.SKILLS),
    around=with_section(Section.Feature.SKILLS),
)
PROJECTS = Listing(
    template="guide/projects.html",
    form=ProjectFilterForm,
    noun="project",
    name="Portfolio projects",
    crumb="Projects",
    edits=PortfolioProject,
    results=project_results,
    description=lambda context: listing(
        f"{context['count'] or 'The'} portfolio projects to build",
        (project.title for project in context.get("projects", [])),
        separator="; ",
    ),
    sources=lambda drafts: history.projects_sources(drafts=drafts),
    around=projects_stage,
)
CAREER = Listing(
    template="guide/career.html",
    form=CareerFilterForm,
    noun="career level",
    name="Career progression",
    crumb="Career",
    edits=CareerLevel,
    results=career_results,
    description=lambda context: listing(
        "Machine learning engineer career levels by experience",
        (f"{level.title} ({level.experience})" for level in context.get("levels", [])),
        separator="; ",
    ),
    sources=feature_page_sources(Section.Feature.CAREER),
    around=with_section(Section.Feature.CAREER),
)
SALARIES = Listing(
    template="guide/salaries.html",
    form=SalaryFilterForm,
    noun="salary band",
    name="Salaries",
    edits=SalaryBand,
    results=salary_results,
    description=lambda context: listing(
        "Machine learning engineer salaries in US dollars, by experience",
        (f"{band.level} {band.range_label}" for band in context.get("bands", [])),
        separator="; ",
    ),
    sources=feature_page_sources(Section.Feature.SALARIES),
    around=with_section(Section.Feature.SALARIES),
)
CERTIFICATIONS = Listing(
    template="guide/certifications.html",
    form=CertificationFilterForm,
    noun="certification",
    name="Certifications",
    edits=Certification,
    results=certification_results,
    description=lambda context: listing(
        f"{context['count'] or 'The'} certifications for machine learning engineers",
        (row.name for row in context.get("certifications", [])),
        separator="; ",
    ),
    sources=feature_page_sources(Section.Feature.CERTIFICATIONS),
    around=with_section(Section.Feature.CERTIFICATIONS),
)


@reader_page
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)

    def results(q: str = "") -> dict:
        hits = search(q, drafts=drafts)
        # No entry holds every word: the hits hold some of them, and the page says so.
        some_words = bool(hits) and not hits[0].every_word
        suggested = suggestion(q) if q and not hits else None
        return {
            "query": q,
            "hits": hits,
            "some_words": some_words,
            "count": len(hits) if q else None,
            "suggested": suggested,
        }

    return render_filtered(
        request,
        "guide/search.html",
        SearchForm(request.GET, drafts=drafts),
        noun="result",
        results=results,
        page=lambda context: PageMeta(
            request,
            title=page_title(f"Search: {context['query']}" if context.get("query") else "Search"),
            description=(
                "Search the whole guide: skills, roadmap stages, portfolio projects, "
                "career levels, salaries and certifications, ranked title first."
            ),
            path=request.path,
            crumbs=[Crumb("Search", request.path)],
        ),
        # The header's search box asks for its own short list of results.
        partial="live" if request.htmx.target == LIVE_SEARCH_TARGET else "results",
    )
