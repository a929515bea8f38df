"""Search the guide's content.

On PostgreSQL the matching and ranking use its full-text search (English stemming,
prefix matches so results come as one types, title weighted above body). Elsewhere
a portable fallback matches every word case-insensitively in any field. Both return
the same `Hit`s, ranked title matches first, with escaped, highlighted snippets.

The database finds candidates in the stored text; each is then checked again against
the text readers see (Markdown rendered and sanitised, tags and link addresses left
out), so a word that only the sanitiser's input or a link holds finds nothing.
"""

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from guide.markdown import render_markdown
from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentList,
    ListItem,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    SkillCategory,
)
from guide.words import words_of, words_q

SNIPPET_LENGTH = 180


def highlight(text: str, words: list[str]) -> SafeString:
    """Escape `text` and wrap each occurrence of a word in <mark>."""
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def plain_text(markdown_text: str) -> str:
    """The text a reader sees of rendered Markdown: no tags, entities decoded."""
    return " ".join(html.unescape(strip_tags(render_markdown(markdown_text))).split())


def snippet(text: str, words: list[str]) -> SafeString:
    """A short extract of `text` around the first matching word, highlighted."""
    lowered = text.lower()
    positions = [pos for word in words if (pos := lowered.find(word)) >= 0]
    start = max(0, min(positions, default=0) - SNIPPET_LENGTH // 3)
    if start:
        start = text.find(" ", start) + 1 or start
    end = start + SNIPPET_LENGTH
    if end < len(text):
        end = text.rfind(" ", start, end) if " " in text[start:end] else end
    extract = text[start:end]
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{highlight(extract, words)}{suffix}")  # noqa: S308 - escaped


@dataclass(frozen=True)
class Source:
    """One kind of content and how to search it."""

    kind: str
    queryset: Callable[[], QuerySet]  # every row: readers' rows are chosen in `search`
    title: str
    body: list[str]
    url: Callable[[object], str]
    heading: Callable[[object], str] = str
    markdown: tuple[str, ...] = ()  # the body fields that are Markdown; others are text


SOURCES = [
    Source(
        "Guide section",
        lambda: Section.objects.all(),
        "title",
        ["body", "closing"],
        lambda row: row.get_absolute_url(),
        markdown=("body", "closing"),
    ),
    Source(
        "Guide section",
        lambda: ContentList.objects.select_related("section"),
        "heading",
        ["intro", "outro", "section__title"],
        lambda row: f"{row.section.get_absolute_url()}#{row.anchor}",
        lambda row: row.heading or row.section.title,
        markdown=("intro", "outro"),
    ),
    Source(
        "Guide section",
        lambda: ListItem.objects.select_related("content_list__section"),
        "text",
        ["description", "content_list__heading"],
        lambda row: f"{row.content_list.section.get_absolute_url()}#{row.anchor}",
    ),
    Source(
        "Roadmap stage",
        lambda: RoadmapStage.objects.all(),
        "title",
        ["intro", "items_lead", "outro"],
        lambda row: row.get_absolute_url(),
        markdown=("intro", "outro"),
    ),
    Source(
        "Checklist item",
        lambda: ChecklistItem.objects.select_related("stage"),
        "title",
        ["description", "stage__title"],
        lambda row: row.get_absolute_url(),
        lambda row: f"{row.title} (stage {row.stage.number})",
    ),
    Source(
        "Skill category",
        lambda: SkillCategory.objects.all(),
        "name",
        ["intro", "outro"],
        lambda row: row.get_absolute_url(),
        markdown=("intro", "outro"),
    ),
    Source(
        "Skill",
        lambda: Skill.objects.select_related("category"),
        "name",
        ["description", "group", "category__name"],
        lambda row: row.get_absolute_url(),
    ),
    Source(
        "Project",
        lambda: PortfolioProject.objects.all(),
        "title",
        ["skill_area", "description"],
        lambda row: row.get_absolute_url(),
        markdown=("description",),
    ),
    Source(
        "Certification",
        lambda: Certification.objects.select_related("provider"),
        "name",
        ["description", "provider__name"],
        lambda row: row.get_absolute_url(),
        markdown=("description",),
    ),
    Source(
        "Career level",
        lambda: CareerLevel.objects.all(),
        "title",
        ["description"],
        lambda row: row.get_absolute_url(),
        lambda row: f"{row.title} ({row.experience})",
        markdown=("description",),
    ),
    Source(
        "Salary",
        lambda: SalaryBand.objects.all(),
        "level",
        [],
        lambda row: row.get_absolute_url(),
        lambda row: f"{row.level}: {row.range_label}",
    ),
]


@dataclass(frozen=True)
class Hit:
    kind: str
    title: SafeString
    url: str
    snippet: SafeString
    title_score: int  # 2: the title is the query, 1: it holds every word, 0: body only
    rank: float
    order: int


def title_score(title: str, words: list[str]) -> int:
    if words_of(title) == words:
        return 2
    lowered = title.lower()
    return int(all(word in lowered for word in words))


def body_text(row, source: Source) -> str:
    """The body fields of `row` as readers see them."""
    values = []
    for field in source.body:
        value = row
        for part in field.split("__"):
            value = getattr(value, part)
        text = str(value)
        values.append(plain_text(text) if field in source.markdown else " ".join(text.split()))
    return " ".join(value for value in values if value)


def prefix_query(text: str) -> str:
    """A raw tsquery: every word of `text`, each as a prefix."""
    return " & ".join(f"{word}:*" for word in words_of(text))


def readers_see(documents: list[str], text: str) -> list[bool]:
    """Whether each document matches `text` the way the database search does."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT number - 1 FROM unnest(%s::text[]) WITH ORDINALITY AS d(body, number) "
                "WHERE to_tsvector('english', d.body) @@ to_tsquery('english', %s)",
                [documents, prefix_query(text)],
            )
            matching = {number for (number,) in cursor.fetchall()}
        return [number in matching for number in range(len(documents))]
    words = words_of(text)
    return [all(word in document.lower() for word in words) for document in documents]


def matching_rows(source: Source, text: str, *, drafts: bool) -> QuerySet:
    queryset = source.queryset().visible(drafts)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        query = SearchQuery(prefix_query(text), search_type="raw", config="english")
        vector = SearchVector(source.title, weight="A", config="english")
        if source.body:
            vector += SearchVector(*source.body, weight="B", config="english")
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank")
        )
    return queryset.filter(words_q(text, [source.title, *source.body]))


def search(text: str, *, drafts: bool) -> list[Hit]:
    """Every piece of content matching `text` that the reader may see (`drafts`: an editor
    previewing), best first."""
    words = words_of(text)
    if not words:
        return []
    candidates = [
        (source, row, body_text(row, source))
        for source in SOURCES
        for row in matching_rows(source, text, drafts=drafts)
    ]
    documents = [f"{getattr(row, source.title)} {body}" for source, row, body in candidates]
    hits = []
    for (source, row, body), seen in zip(candidates, readers_see(documents, text), strict=True):
        if not seen:
            continue
        title = source.heading(row)
        hits.append(
            Hit(
                kind=source.kind,
                title=highlight(title, words),
                url=source.url(row),
                snippet=snippet(body, words),
                title_score=title_score(title, words),
                rank=float(getattr(row, "rank", 1.0)),
                order=len(hits),
            )
        )
    return sorted(hits, key=lambda hit: (-hit.title_score, -hit.rank, hit.order))
