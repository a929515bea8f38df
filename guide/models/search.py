"""The search index's tables and the editors' search synonyms."""

import re

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class SearchEntry(models.Model):
    """One searchable piece of the guide, as readers see it: the search index.

    guide.search rebuilds the index whenever the content version has moved on since it
    was built, so it never lags an edit. PostgreSQL searches `vector` (its GIN index is
    declared below); SQLite searches the FTS5 table `guide_searchentry_fts`, kept beside it
    (made by the migration that made this model).
    """

    kind = models.CharField(max_length=50)
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=400)
    published = models.BooleanField(help_text="Readers may see it (drafts are editors' only).")
    order = models.PositiveIntegerField(help_text="The order of the guide, for ties.")
    aliases = models.TextField(
        blank=True,
        help_text="The search synonyms of what it says, one “term: meaning; meaning” a line, "
        "searched with the body (guide.search).",
    )
    vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["order"]
        verbose_name_plural = "search entries"
        # PostgreSQL only (the migration skips it elsewhere): SQLite has its FTS5 table.
        indexes = [GinIndex(fields=["vector"], name="guide_searchentry_vector_gin")]

    def __str__(self):
        return f"{self.kind}: {self.title}"


class SearchWord(models.Model):
    """A word of the indexed text, for "Did you mean ...?"."""

    word = models.CharField(max_length=100, unique=True)

    class Meta:
        # PostgreSQL only: trigram similarity finds the closest word (guide.search).
        indexes = [
            GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="guide_searchword_trgm")
        ]

    def __str__(self):
        return self.word


class SearchSynonym(models.Model):
    """An abbreviation or other word readers search for, and what the guide calls it:
    a search for either finds the text that says the other (guide.search)."""

    term = models.CharField(
        max_length=50,
        help_text="What readers may type, e.g. “LLM” or “k8s”: letters and digits, one word.",
    )
    meanings = models.CharField(
        max_length=300,
        help_text="What the guide writes instead, separated by commas, e.g. “large language "
        "models, large language model”.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]
        verbose_name = "search synonym"
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("term"), name="%(app_label)s_%(class)s_unique_term"
            ),
            models.CheckConstraint(
                condition=~Q(term="") & ~Q(meanings=""),
                name="%(app_label)s_%(class)s_not_empty",
            ),
        ]

    def __str__(self):
        return f"{self.term}: {self.meanings}"

    def clean(self):
        super().clean()
        errors = {}
        if self.term and not re.fullmatch(r"\w+", self.term.strip()):
            errors["term"] = "Use one word of letters and digits, e.g. “k8s”."
        if not self.phrases():
            errors["meanings"] = "Give at least one meaning."
        if errors:
            raise ValidationError(errors)

    def phrases(self) -> list[str]:
        """The meanings, lower-cased, each once."""
        parts = (" ".join(part.split()).lower() for part in self.meanings.split(","))
        return list(dict.fromkeys(part for part in parts if part))

    def forms(self) -> list[str]:
        """Every way of saying it: the term first, then its meanings."""
        return list(dict.fromkeys([self.term.strip().lower(), *self.phrases()]))
