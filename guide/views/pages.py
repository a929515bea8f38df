"""The reading pages: the guide's sections, the filtered lists and the search.

Each view asks once whether the visitor is an editor (`drafts`) and passes the answer to
every queryset, form and search it uses: readers never see a draft.
"""

from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus

from django.db.models import Exists, Model, OuterRef, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from guide import history, seo
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
    by_category,
)
from guide.search import search, suggestion
from guide.seo import Crumb, PageMeta, describe, listing, page_title
from guide.serving.pagecache import reader_page
from guide.text import plain_text
from guide.together import Count, Reads, read_together
from guide.views.helpers import HtmxHttpRequest, neighbours, section_for
from guide.visibility import is_editor

LIVE_SEARCH_TARGET = "site-search-results"
# The introduction's own page has its title: the home page names the whole site.
HOME_TITLE = "Machine Learning Engineer Career Path: skills, roadmap, salaries"


def feature_rows(feature: str, *, drafts: bool) -> tuple[str, QuerySet] | None:
    """What a section shows after its text (None: nothing), and its name in the context."""
    match feature:
        case Section.Feature.SKILLS:
            return "categories", Skill.objects.visible(drafts).for_listing(drafts=drafts)
        case Section.Feature.ROADMAP:
            return "stages", RoadmapStage.objects.visible(drafts).with_items(drafts)
        case Section.Feature.CAREER:
            return "levels", CareerLevel.objects.visible(drafts)
        case Section.Feature.SALARIES:
            return "bands", SalaryBand.objects.visible(drafts)
        case Section.Feature.CERTIFICATIONS:
            certifications = Certification.objects.visible(drafts)
            return "certifications", certifications.select_related("provider")
    return None


def feature_context(feature: str, *, drafts: bool) -> tuple[dict, datetime | None]:
    """The structured content a section shows after its text, and when it last changed,
    in one query (none for a section without a feature)."""
    found = feature_rows(feature, drafts=drafts)
    if found is None:
        return {}, None
    name, rows = found
    shown, updated = read_together(
        rows, history.changed(*history.feature_sources(feature, drafts=drafts))
    )
    return {name: by_category(shown) if name == "categories" else shown}, updated


@reader_page
def home(request: HttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    sections, skills, bands, stages, project_count, updated = read_together(
        Section.objects.visible(drafts),
        Skill.objects.visible(drafts),
        SalaryBand.objects.visible(drafts),
        RoadmapStage.objects.visible(drafts).with_item_count(drafts),
        Count(PortfolioProject.objects.visible(drafts)),
        history.changed(*history.home_sources(drafts=drafts)),
    )
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
        skills=skills,
        bands=bands,
    )
    context = {
        "introduction": introduction,
        "intro_lead": intro_lead,
        "intro_rest": intro_rest,
        "sections": sections[1:],
        "stages": stages,
        "project_count": project_count,
        "page": PageMeta(
            request,
            title=HOME_TITLE,
            description=description,
            path=path,
            updated=updated,
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
    sections, lists, text_updated = read_together(
        Section.objects.visible(drafts),
        ContentList.objects.visible(drafts).filter(section__slug=slug).with_items(drafts),
        history.changed(*history.section_text_sources(slug, drafts=drafts)),
    )
    current = next((row for row in sections if row.slug == slug), None)
    if current is None:
        raise Http404("No section with that address.")
    previous, following = neighbours(sections, current)
    feature, feature_updated = feature_context(current.feature, drafts=drafts)
    updated = max(filter(None, [text_updated, feature_updated]), default=None)
    context = {
        "section": current,
        "lists": lists,
        "previous": previous,
        "next": following,
        **feature,
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
        updated=updated,
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


def list_page(
    request: HttpRequest,
    name: str,
    description: str,
    updated: datetime | None,
    *,
    edits: type[Model],
    crumb: str = "",
) -> PageMeta:
    """The metadata of a list page (of `edits` rows): its filters never change its
    canonical address."""
    return PageMeta(
        request,
        title=page_title(name),
        description=description,
        path=request.path,
        crumbs=[Crumb(crumb or name, request.path)],
        updated=updated,
        edits=edits,
    )


def filtered_page(view):
    """A reading page with a filter form: GET only, a cacheable whole page or region."""
    return reader_page(view)


def render_filtered(
    request: HtmxHttpRequest,
    template: str,
    form: FilterForm,
    *,
    reads: Reads | None = None,
    noun: str,
    results: Callable[..., dict],
    page: Callable[[dict, datetime | None], PageMeta],
    sources: Callable[[], tuple[QuerySet, ...]] | None = None,
    partial: str = "results",
    **shown: Callable[[], object],
) -> HttpResponse:
    """Render a page with a filter form: the results region alone for htmx requests.

    `results(**filters)` gives the results' context, with their `count`; it is asked only
    for valid filters. Invalid filters answer 400 with the form's messages, in the page or
    the region. A history restore is never answered with the fragment: it needs the page.
    `page(context, updated)` gives the whole page's metadata (a region needs none), with
    when the rows it shows (`sources`) last changed.

    The form's choices, what `shown` asks for (each a read from `reads`) and that date are
    read together, in one query (guide.together).
    """
    reads = reads or Reads()
    region = request.htmx and not request.htmx.history_restore_request
    if region:
        template = f"{template}#{partial}"
    updated = reads.later(history.changed(*sources())) if sources and not region else None
    valid = form.is_valid()
    context = {
        "form": form,
        "active_filters": form.active_filters(),
        "noun": noun,
        "count": None,
        "filtered": bool(form.filters()),
        **(results(**form.filters()) if valid else {}),
        **{name: read() for name, read in shown.items()},
    }
    if not region:
        context["page"] = page(context, updated() if updated else None)
    status = HTTPStatus.OK if valid else HTTPStatus.BAD_REQUEST
    return render(request, template, context, status=status)


@filtered_page
def skills(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    reads = Reads()

    def results(**filters) -> dict:
        (skills,) = read_together(
            Skill.objects.visible(drafts).filtered(**filters).for_listing(drafts=drafts)
        )
        shown = by_category(skills)
        return {
            "categories": shown,
            "count": sum(len(category.shown_skills) for category in shown),
        }

    return render_filtered(
        request,
        "guide/skills.html",
        SkillFilterForm(request.GET, drafts=drafts, reads=reads),
        reads=reads,
        noun="skill",
        results=results,
        page=lambda context, updated: list_page(
            request,
            "Skills",
            listing(
                f"{context['count'] or 'The'} skills a machine learning engineer needs, by area",
                (category.name for category in context.get("categories", [])),
                separator=", ",
            ),
            updated,
            edits=Skill,
        ),
        sources=lambda: history.list_page_sources(Section.Feature.SKILLS, drafts=drafts),
        section=reads.one(section_for(Section.Feature.SKILLS, drafts=drafts)),
    )


@filtered_page
def projects(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    reads = Reads()
    visible_projects = PortfolioProject.objects.visible(drafts)

    def results(**filters) -> dict:
        (rows,) = read_together(
            visible_projects.filtered(**filters).prefetch_related(
                Prefetch("skills", Skill.objects.visible(drafts))
            )
        )
        return {"projects": rows, "count": len(rows)}

    return render_filtered(
        request,
        "guide/projects.html",
        ProjectFilterForm(request.GET, drafts=drafts, reads=reads),
        reads=reads,
        noun="project",
        results=results,
        page=lambda context, updated: list_page(
            request,
            "Portfolio projects",
            listing(
                f"{context['count'] or 'The'} portfolio projects to build",
                (project.title for project in context.get("projects", [])),
                separator="; ",
            ),
            updated,
            edits=PortfolioProject,
            crumb="Projects",
        ),
        sources=lambda: history.projects_sources(drafts=drafts),
        # The stage whose items are the projects.
        stage=reads.one(
            RoadmapStage.objects.visible(drafts).filter(
                Exists(
                    ChecklistItem.objects.visible(drafts).filter(
                        stage=OuterRef("pk"), project__in=visible_projects
                    )
                )
            )
        ),
    )


@filtered_page
def career(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    reads = Reads()

    def results(**filters) -> dict:
        levels = list(CareerLevel.objects.visible(drafts).filtered(**filters))
        return {"levels": levels, "count": len(levels)}

    return render_filtered(
        request,
        "guide/career.html",
        CareerFilterForm(request.GET, drafts=drafts, reads=reads),
        reads=reads,
        noun="career level",
        results=results,
        page=lambda context, updated: list_page(
            request,
            "Career progression",
            listing(
                "Machine learning engineer career levels by experience",
                (f"{level.title} ({level.experience})" for level in context.get("levels", [])),
                separator="; ",
            ),
            updated,
            edits=CareerLevel,
            crumb="Career",
        ),
        sources=lambda: history.list_page_sources(Section.Feature.CAREER, drafts=drafts),
        section=reads.one(section_for(Section.Feature.CAREER, drafts=drafts)),
    )


@filtered_page
def salaries(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    reads = Reads()

    def results(**filters) -> dict:
        every_band = SalaryBand.objects.visible(drafts)
        bands = list(every_band.filtered(**filters).with_axis_top(every_band))
        # One dollar axis for every level, so that a filtered chart keeps its scale (no
        # band shown: there is none at all).
        axis_top = bands[0].axis_top if bands else 0
        return {
            "bands": bands,
            "count": len(bands),
            "chart": salary_chart(bands, axis_top=axis_top),
        }

    return render_filtered(
        request,
        "guide/salaries.html",
        SalaryFilterForm(request.GET, drafts=drafts, reads=reads),
        reads=reads,
        noun="salary band",
        results=results,
        page=lambda context, updated: list_page(
            request,
            "Salaries",
            listing(
                "Machine learning engineer salaries in US dollars, by experience",
                (f"{band.level} {band.range_label}" for band in context.get("bands", [])),
                separator="; ",
            ),
            updated,
            edits=SalaryBand,
        ),
        sources=lambda: history.list_page_sources(Section.Feature.SALARIES, drafts=drafts),
        section=reads.one(section_for(Section.Feature.SALARIES, drafts=drafts)),
    )


@filtered_page
def certifications(request: HtmxHttpRequest) -> HttpResponse:
    drafts = is_editor(request)
    reads = Reads()

    def results(**filters) -> dict:
        rows = Certification.objects.visible(drafts).filtered(**filters)
        rows = list(rows.select_related("provider"))
        return {"certifications": rows, "count": len(rows)}

    return render_filtered(
        request,
        "guide/certifications.html",
        CertificationFilterForm(request.GET, drafts=drafts, reads=reads),
        reads=reads,
        noun="certification",
        results=results,
        page=lambda context, updated: list_page(
            request,
            "Certifications",
            listing(
                f"{context['count'] or 'The'} certifications for machine learning engineers",
                (row.name for row in context.get("certifications", [])),
                separator="; ",
            ),
            updated,
            edits=Certification,
        ),
        sources=lambda: history.list_page_sources(Section.Feature.CERTIFICATIONS, drafts=drafts),
        section=reads.one(section_for(Section.Feature.CERTIFICATIONS, drafts=drafts)),
    )


@filtered_page
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
        page=lambda context, updated: PageMeta(
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
