"""Search the guide's content.

Both databases stem English words, match prefixes so results come as one types, weigh
titles above bodies, and return the same `Hit`s, title matches first, with escaped,
highlighted snippets. When no entry holds every word, the entries holding any of them are
returned, marked (`Hit.every_word`). A query that finds nothing whole gets a spelling
suggestion.

The search runs on an index of the text readers see (Markdown rendered and sanitised,
tags and link addresses left out), one `SearchEntry` per piece of content, drafts marked:
a word that only the sanitiser's input or a link holds finds nothing. Editors' search
synonyms ("LLM": "large language models") are written into the index beside the text that
says either, so a search reads no synonyms. The index is rebuilt as each edit or load
commits (`guide.models.content_committed`, `index_after_commit`), and a search checks it
is current for the content version (one query), rebuilding it first if not: a rebuild
that failed or was rolled back is made by the next search, so no search ever reads a stale
index. A search is one query, for every word and for any word at once: PostgreSQL's
full-text search on a GIN-indexed vector (web-search syntax when the query uses it),
SQLite's FTS5 elsewhere.
"""

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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
    SearchSynonym,
    SearchWord,
    Section,
    Skill,
    SkillCategory,
)
from guide.text import plain_text, words_of

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
    every_word: bool = True  # False: a fallback hit, holding only some of the words


def title_score(title: str, words: list[str], meanings: dict[str, list[str]]) -> int:
    if words_of(title) == words:
        return 2
    lowered = title.lower()
    return int(
        all(any(form in lowered for form in [word, *meanings.get(word, [])]) for word in words)
    )


def mentions(text: str, form: str) -> bool:
    """Whether lower-cased `text` says `form` as whole words (a plural too)."""
    return re.search(rf"(?<!\w){re.escape(form)}(?:s|es)?(?!\w)", text) is not None


def aliases_of(text: str, synonyms: list[SearchSynonym]) -> str:
    """The synonyms that `text` says in one of their forms, one "term: meaning; ..." a line."""
    lowered = text.lower()
    lines = []
    for synonym in synonyms:
        forms = synonym.forms()
        if any(mentions(lowered, form) for form in forms):
            lines.append(f"{forms[0]}: {'; '.join(forms[1:])}")
    return "\n".join(lines)


def meanings_in(aliases: str, words: list[str]) -> dict[str, list[str]]:
    """For each query word that names a synonym of an entry, the synonym's other forms
    (what to highlight for it)."""
    found: dict[str, list[str]] = {}
    for line in aliases.splitlines():
        term, _, rest = line.partition(": ")
        forms = [term, *rest.split("; ")]
        for word in words:
            if any(form.startswith(word) for form in forms):
                found.setdefault(word, []).extend(form for form in forms if form != word)
    return found


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


def entries_of(
    source: Source, order: int, published: set, synonyms: list[SearchSynonym]
) -> list[SearchEntry]:
    entries = []
    for number, row in enumerate(source.queryset()):
        title, body = source.heading(row), body_text(row, source)
        entries.append(
            SearchEntry(
                kind=source.kind,
                title=title,
                body=body,
                aliases=aliases_of(f"{title} {body}", synonyms),
                url=source.url(row),
                published=row.pk in published,
                order=order + number,
            )
        )
    return entries


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
        synonyms = list(SearchSynonym.objects.all())
        for source in SOURCES:
            published = set(source.queryset().published().values_list("pk", flat=True))
            entries += entries_of(source, len(entries), published, synonyms)
        SearchEntry.objects.all().delete()
        SearchEntry.objects.bulk_create(entries)
        words = {word for entry in entries for word in words_of(f"{entry.title} {entry.body}")}
        SearchWord.objects.all().delete()
        SearchWord.objects.bulk_create(SearchWord(word=word) for word in words if len(word) > 2)
        if connection.vendor == "postgresql":
            SearchEntry.objects.update(
                vector=SearchVector("title", weight="A", config="english")
                + SearchVector("body", "aliases", weight="B", config="english")
            )
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS}")
                cursor.execute(
                    f"INSERT INTO {FTS} (rowid, title, body) "
                    "SELECT id, title, body || ' ' || aliases FROM guide_searchentry"
                )
        ContentVersion.objects.filter(pk=1).update(indexed_version=state.version)


def index_after_commit(sender, **kwargs) -> None:
    """An edit has committed (`guide.models.content_committed`): index it now, so that
    readers' searches only read."""
    ensure_index()


def ensure_index() -> None:
    """Rebuild the index if the content changed since it was built (one query if not)."""
    state = ContentVersion.objects.filter(pk=1).values_list("version", "indexed_version").first()
    if state is None or state[0] != state[1]:
        rebuild_index()


def is_web_search(text: str) -> bool:
    """Whether `text` uses web-search syntax: "a phrase", -excluded words, or OR."""
    return '"' in text or re.search(r"(^|\s)-\w", text) or " or " in f" {text.lower()} "


def matching_entries(text: str, *, drafts: bool) -> list[SearchEntry]:
    """Entries matching any word of `text`, best first, each with `every_word`: whether it
    holds them all (web-search syntax: exactly what it asks). One query on the index."""
    entries = SearchEntry.objects.all() if drafts else SearchEntry.objects.filter(published=True)
    words = words_of(text)
    if connection.vendor == "postgresql":
        if is_web_search(text):
            every = some = SearchQuery(text, search_type="websearch", config="english")
        else:  # as one types: each word a prefix
            every = SearchQuery(
                " & ".join(f"{word}:*" for word in words), search_type="raw", config="english"
            )
            some = SearchQuery(
                " | ".join(f"{word}:*" for word in words), search_type="raw", config="english"
            )
        return list(
            entries.filter(vector=some)
            .annotate(
                rank=SearchRank(F("vector"), some),
                every_word=ExpressionWrapper(Q(vector=every), output_field=BooleanField()),
            )
            .order_by("-every_word", "-rank", "order")
        )
    # FTS5: each word a quoted prefix (quotes make any word a plain token).
    prefixes = [f'"{word}"*' for word in words]
    published = "" if drafts else "AND e.published"
    return list(
        SearchEntry.objects.raw(
            f"SELECT e.*, -bm25({FTS}, 10.0, 1.0) AS rank, "
            f"e.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH %s) AS every_word "
            f"FROM guide_searchentry e JOIN {FTS} ON {FTS}.rowid = e.id "
            f"WHERE {FTS} MATCH %s {published} "
            'ORDER BY every_word DESC, rank DESC, e."order"',
            [" ".join(prefixes), " OR ".join(prefixes)],
        )
    )


def search(text: str, *, drafts: bool) -> list[Hit]:
    """Every piece of content matching `text` that the reader may see (`drafts`: an editor
    previewing), best first: title matches, then the database's rank, then guide order.

    Only the entries holding every word, if there are any; else those holding some of
    them, each marked (`every_word` False)."""
    words = words_of(text)
    if not words:
        return []
    ensure_index()
    matches = matching_entries(text, drafts=drafts)
    if any(entry.every_word for entry in matches):
        matches = [entry for entry in matches if entry.every_word]
    hits = []
    for entry in matches:
        meanings = meanings_in(entry.aliases, words)
        marked = [*words, *(form for forms in meanings.values() for form in forms)]
        hits.append(
            Hit(
                kind=entry.kind,
                title=highlight(entry.title, marked),
                url=entry.url,
                snippet=snippet(entry.body, marked),
                title_score=title_score(entry.title, words, meanings),
                rank=float(entry.rank),
                order=entry.order,
                every_word=bool(entry.every_word),
            )
        )
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
