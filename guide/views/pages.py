import hashlib
from functools import lru_cache
from http import HTTPStatus

from django.conf import settings
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

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
    ContentList,
    ContentVersion,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    SkillCategory,
)
from guide.search import search, words_q
from guide.visibility import has_session

LIVE_SEARCH_TARGET = "site-search-results"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A short hash that changes with the code, templates and static files (a deploy)."""
    digest = hashlib.sha256()
    for folder in ("config", "guide", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:12]


def reader_etag(request: HtmxHttpRequest, *args, **kwargs) -> str | None:
    """The ETag of a reading page: the content version, the code, whole page or region.

    Only for visitors without a session (their pages are the same for everyone); an edit
    bumps the shared version, so the next request gets the new page, never a stale 304.
    """
    if has_session(request):
        return None
    region = "region" if request.htmx else "page"
    return f'"{ContentVersion.current()}-{code_fingerprint()}-{region}"'


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """The 400 page, saying what was wrong."""
    return render(
        request, "400.html", {"exception_message": message}, status=HTTPStatus.BAD_REQUEST
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
@condition(etag_func=reader_etag)
def home(request: HttpRequest) -> HttpResponse:
    sections = list(Section.objects.all())
    context = {
        "introduction": sections[0] if sections else None,
        "sections": sections[1:],
        # Meta.ordering does not apply to aggregating queries: order explicitly.
        "stages": RoadmapStage.objects.annotate(item_count=Count("items")).order_by("number"),
    }
    return render(request, "guide/home.html", context)


@require_safe
@condition(etag_func=reader_etag)
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


def filtered_page(view):
    """A reading page with a filter form: GET only, a cacheable whole page or region."""
    return require_safe(vary_on_headers("HX-Request")(condition(etag_func=reader_etag)(view)))


def render_filtered(
    request: HtmxHttpRequest,
    template: str,
    form: FilterForm,
    *,
    noun: str,
    count: int | None,
    partial: str = "results",
    **context,
) -> HttpResponse:
    """Render a page with a filter form: the results region alone for htmx requests.

    A history restore is never answered with the fragment: it needs the whole page.
    Invalid filters answer 400 with the form's messages, in the page or the region.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    status = HTTPStatus.OK if form.is_valid() else HTTPStatus.BAD_REQUEST
    context |= {
        "form": form,
        "active_filters": form.active_filters(),
        "noun": noun,
        "count": count,
        "filtered": bool(form.filters()),
    }
    return render(request, template, context, status=status)


@filtered_page
def skills(request: HtmxHttpRequest) -> HttpResponse:
    form = SkillFilterForm(request.GET)
    filters = form.filters()
    matches = Skill.objects.all() if form.is_valid() else Skill.objects.none()
    if "category" in filters:
        matches = matches.filter(category__slug=filters["category"])
    if "stage" in filters:
        matches = matches.filter(stages__number=filters["stage"])
    if "q" in filters:
        matches = matches.filter(words_q(filters["q"], ["name", "description"]))
    categories = [
        category
        for category in SkillCategory.objects.with_skills(matches)
        if category.shown_skills
    ]
    return render_filtered(
        request,
        "guide/skills.html",
        form,
        noun="skill",
        count=sum(len(category.shown_skills) for category in categories),
        section=section_for(Section.Feature.SKILLS),
        categories=categories,
    )


@filtered_page
def projects(request: HtmxHttpRequest) -> HttpResponse:
    form = ProjectFilterForm(request.GET)
    filters = form.filters()
    rows = PortfolioProject.objects.prefetch_related("skills").select_related(
        "checklist_item__stage"
    )
    if "area" in filters:
        rows = rows.filter(skills__category__slug=filters["area"])
    if "skill" in filters:
        rows = rows.filter(skills__slug=filters["skill"])
    rows = list(rows.distinct()) if form.is_valid() else []
    return render_filtered(
        request,
        "guide/projects.html",
        form,
        noun="project",
        count=len(rows),
        projects=rows,
        stage=RoadmapStage.objects.filter(items__project__isnull=False).first(),
    )


@filtered_page
def career(request: HtmxHttpRequest) -> HttpResponse:
    form = CareerFilterForm(request.GET)
    filters = form.filters()
    levels = CareerLevel.objects.all()
    if "years" in filters:
        levels = levels.fitting(filters["years"])
    levels = list(levels) if form.is_valid() else []
    return render_filtered(
        request,
        "guide/career.html",
        form,
        noun="career level",
        count=len(levels),
        section=section_for(Section.Feature.CAREER),
        levels=levels,
    )


@filtered_page
def salaries(request: HtmxHttpRequest) -> HttpResponse:
    form = SalaryFilterForm(request.GET)
    level = form.filters().get("level")
    every_band = list(SalaryBand.objects.all())
    bands = [band for band in every_band if level in (None, band.slug)]
    if not form.is_valid():
        bands = []
    return render_filtered(
        request,
        "guide/salaries.html",
        form,
        noun="salary band",
        count=len(bands),
        section=section_for(Section.Feature.SALARIES),
        bands=bands,
        chart=salary_chart(bands, scale_to=every_band),
    )


@filtered_page
def certifications(request: HtmxHttpRequest) -> HttpResponse:
    form = CertificationFilterForm(request.GET)
    filters = form.filters()
    rows = Certification.objects.select_related("provider")
    if "provider" in filters:
        rows = rows.filter(provider__slug=filters["provider"])
    if "q" in filters:
        rows = rows.filter(words_q(filters["q"], ["name", "description", "provider__name"]))
    rows = list(rows) if form.is_valid() else []
    return render_filtered(
        request,
        "guide/certifications.html",
        form,
        noun="certification",
        count=len(rows),
        section=section_for(Section.Feature.CERTIFICATIONS),
        certifications=rows,
    )


@filtered_page
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    text = form.filters().get("q", "")
    hits = search(text)
    return render_filtered(
        request,
        "guide/search.html",
        form,
        noun="result",
        count=len(hits) if text else None,
        # The header's search box asks for its own short list of results.
        partial="live" if request.htmx.target == LIVE_SEARCH_TARGET else "results",
        query=text,
        hits=hits,
    )
