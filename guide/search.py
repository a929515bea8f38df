"""Search the guide's content.

Both databases stem English words, match prefixes so results come as one types, weigh
titles above bodies, and return the same `Hit`s, title matches first, with escaped,
highlighted snippets. A query that finds nothing gets a spelling suggestion.

The search runs on an index of the text readers see (Markdown rendered and sanitised,
tags and link addresses left out), one `SearchEntry` per piece of content, drafts marked:
a word that only the sanitiser's input or a link holds finds nothing. The index is rebuilt
when the content version has moved on since it was built (after any edit or load). A search
is one query: PostgreSQL's full-text search on a GIN-indexed vector (web-search syntax
when the query uses it), SQLite's FTS5 elsewhere.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from guide.markdown import plain_text
from guide.models import (
    CareerLevel,
    Certification,
    ChecklistItem,
    ContentList,
    ContentVersion,
    ListItem,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    SearchEntry,
    SearchWord,
    Section,
    Skill,
    SkillCategory,
)
from guide.words import words_of

SNIPPET_LENGTH = 180
FTS = "guide_searchentry_fts"  # SQLite's full-text table (see the migration)


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


SOURCES = [
    Source(
        "Guide section",
        lambda: Section.objects.all(),
        "title",
        ["body", "closing"],
        lambda row: row.get_absolute_url(),
    ),
    Source(
        "Guide section",
        lambda: ContentList.objects.select_related("section"),
        "heading",
        ["intro", "outro", "section__title"],
        lambda row: f"{row.section.get_absolute_url()}#{row.anchor}",
        lambda row: row.heading or row.section.title,
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
    ),
    Source(
        "Certification",
        lambda: Certification.objects.select_related("provider"),
        "name",
        ["description", "provider__name"],
        lambda row: row.get_absolute_url(),
    ),
    Source(
        "Career level",
        lambda: CareerLevel.objects.all(),
        "title",
        ["description"],
        lambda row: row.get_absolute_url(),
        lambda row: f"{row.title} ({row.experience})",
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
        markdown = field in type(row).markdown_fields  # a field of the row itself
        values.append(plain_text(text) if markdown else " ".join(text.split()))
    return " ".join(value for value in values if value)


def entries_of(source: Source, order: int, published: set) -> list[SearchEntry]:
    return [
        SearchEntry(
            kind=source.kind,
            title=source.heading(row),
            body=body_text(row, source),
            url=source.url(row),
            published=row.pk in published,
            order=order + number,
        )
        for number, row in enumerate(source.queryset())
    ]


def rebuild_index() -> None:
    """Index every row as readers see it, drafts marked, for the current content version.

    The content version's row is locked first, so an edit that commits meanwhile waits and
    then bumps the version again: the next search rebuilds once more. Nothing is missed.
    """
    with transaction.atomic():
        ContentVersion.objects.get_or_create(pk=1)
        state = ContentVersion.objects.select_for_update().get(pk=1)
        if state.indexed_version == state.version:
            return  # another request rebuilt it meanwhile
        entries = []
        for source in SOURCES:
            published = set(source.queryset().published().values_list("pk", flat=True))
            entries += entries_of(source, len(entries), published)
        SearchEntry.objects.all().delete()
        SearchEntry.objects.bulk_create(entries)
        words = {word for entry in entries for word in words_of(f"{entry.title} {entry.body}")}
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(SearchWord(word=word) for word in words if len(word) > 2)
        if connection.vendor == "postgresql":
            SearchEntry.objects.update(
                vector=SearchVector("title", weight="A", config="english")
                + SearchVector("body", weight="B", config="english")
            )
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS}")
                cursor.execute(
                    f"INSERT INTO {FTS} (rowid, title, body) SELECT id, title, body "
                    "FROM guide_searchentry"
                )
        ContentVersion.objects.filter(pk=1).update(indexed_version=state.version)


def ensure_index() -> None:
    """Rebuild the index if the content changed since it was built (one query if not)."""
    state = ContentVersion.objects.filter(pk=1).values_list("version", "indexed_version").first()
    if state is None or state[0] != state[1]:
        rebuild_index()


def is_web_search(text: str) -> bool:
    """Whether `text` uses web-search syntax: "a phrase", -excluded words, or OR."""
    return '"' in text or re.search(r"(^|\s)-\w", text) or " or " in f" {text.lower()} "


def matching_entries(text: str, *, drafts: bool) -> list[SearchEntry]:
    """Entries matching `text`, best first: one query on the index."""
    entries = SearchEntry.objects.all() if drafts else SearchEntry.objects.filter(published=True)
    if connection.vendor == "postgresql":
        if is_web_search(text):
            query = SearchQuery(text, search_type="websearch", config="english")
        else:  # as one types: every word, each a prefix
            prefixes = " & ".join(f"{word}:*" for word in words_of(text))
            query = SearchQuery(prefixes, search_type="raw", config="english")
        return list(
            entries.filter(vector=query)
            .annotate(rank=SearchRank(F("vector"), query))
            .order_by("-rank", "order")
        )
    # FTS5: each word a quoted prefix (quotes make any word a plain token).
    match = " ".join(f'"{word}"*' for word in words_of(text))
    published = "" if drafts else "AND e.published"
    return list(
        SearchEntry.objects.raw(
            f"SELECT e.*, -bm25({FTS}, 10.0, 1.0) AS rank FROM guide_searchentry e "
            f"JOIN {FTS} ON {FTS}.rowid = e.id WHERE {FTS} MATCH %s {published} "
            'ORDER BY rank DESC, e."order"',
            [match],
        )
    )


def search(text: str, *, drafts: bool) -> list[Hit]:
    """Every piece of content matching `text` that the reader may see (`drafts`: an editor
    previewing), best first: title matches, then the database's rank, then guide order."""
    words = words_of(text)
    if not words:
        return []
    ensure_index()
    hits = [
        Hit(
            kind=entry.kind,
            title=highlight(entry.title, words),
            url=entry.url,
            snippet=snippet(entry.body, words),
            title_score=title_score(entry.title, words),
            rank=float(entry.rank),
            order=entry.order,
        )
        for entry in matching_entries(text, drafts=drafts)
    ]
    return sorted(hits, key=lambda hit: (-hit.title_score, -hit.rank, hit.order))


def suggestion(text: str) -> str | None:
    """A query with each unknown word replaced by the closest word of the guide, if any:
    trigram similarity on PostgreSQL, difflib's ratio elsewhere (one query either way)."""
    words = words_of(text)
    if not words:
        return None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (q.w) q.w, s.word FROM unnest(%s::text[]) AS q(w) "
                "JOIN guide_searchword s ON s.word %% q.w "
                "ORDER BY q.w, similarity(s.word, q.w) DESC, s.word",
                [words],
            )
            closest = dict(cursor.fetchall())
    else:
        vocabulary = list(SearchWord.objects.values_list("word", flat=True))
        closest = {
            word: match[0]
            for word in words
            if (match := difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.75))
        }
    suggested = [closest.get(word, word) for word in words]
    return " ".join(suggested) if suggested != words else None
