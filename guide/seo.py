"""What a reading page tells search engines and link previews about itself.

Views build a `PageMeta`; `base.html` turns it into the title, description, canonical
link, Open Graph and Twitter tags, the breadcrumbs, JSON-LD and the "Last updated" line.
Everything in it is the same for every visitor without a session (the page is cached
whole): the canonical URL is built from the request's own host, nothing else from it.

schema.org data (JSON-LD) is built from the guide's rows; `base.html` emits each block in a
`<script type="application/ld+json">` (data, not code: the CSP has nothing to run).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.db.models import Model
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse

SITE_NAME = "ML Engineer Career Path"
TITLE_LIMIT = 65  # search results show about 60 characters
DESCRIPTION_LIMIT = 160
SITE_IMAGE = "img/og-image.png"
SITE_IMAGE_SIZE = (1200, 630)


def page_title(name: str) -> str:
    """The page's name and the site's, or the name alone when both would not fit."""
    full = f"{name} · {SITE_NAME}"
    if len(full) <= TITLE_LIMIT:
        return full
    return clip(name, TITLE_LIMIT)


def clip(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, "…" marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():  # the cut falls inside a word: drop that word
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(" ,;:")
    return f"{cut}…"


def describe(*parts: str) -> str:
    """A meta description: the parts' text joined, cut to whole sentences or words."""
    text = " ".join(part.strip() for part in parts if part and part.strip())
    if len(text) <= DESCRIPTION_LIMIT:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > DESCRIPTION_LIMIT:
            break
        kept = candidate
    return kept if len(kept) >= DESCRIPTION_LIMIT // 2 else clip(text, DESCRIPTION_LIMIT)


def listing(lead: str, names: Iterable[str], *, separator: str = "; ") -> str:
    """A description that names what a page lists: "Lead: a; b; c." (cut to fit)."""
    names = [name for name in names if name]
    return describe(f"{lead}: {separator.join(names)}." if names else f"{lead}.")


@dataclass(frozen=True)
class Crumb:
    name: str
    path: str


@dataclass
class PageMeta:
    """A reading page's metadata. `updated` is when what it shows last changed ("Last
    updated"), which the view reads with the page's rows (`history.changed`)."""

    request: HttpRequest
    title: str
    description: str
    path: str  # the canonical path: no query string
    crumbs: list[Crumb] = field(default_factory=list)  # below home, the current page last
    og_type: str = "website"
    extra_data: list[dict] = field(default_factory=list)  # JSON-LD beyond the breadcrumbs
    article: bool = False  # the page is a guide section: an Article with dateModified
    updated: datetime | None = None
    # What an editor would change here: the row shown (its change page) or, on a list
    # page, the model listed (its change list); the editor banner links to it.
    edits: Model | type[Model] | None = None

    @cached_property
    def edit_link(self) -> tuple[str, str]:
        """The editor banner's link: its address and its words."""
        if isinstance(self.edits, Model):
            opts = self.edits._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.edits.pk])
            return url, f"Edit this {opts.verbose_name}"
        if self.edits is not None:
            opts = self.edits._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
            return url, f"Edit the {opts.verbose_name_plural}"
        return reverse("admin:index"), "Edit the guide"

    @cached_property
    def canonical(self) -> str:
        return self.request.build_absolute_uri(self.path)

    @cached_property
    def image(self) -> str:
        return self.request.build_absolute_uri(static(SITE_IMAGE))

    @property
    def image_width(self) -> int:
        return SITE_IMAGE_SIZE[0]

    @property
    def image_height(self) -> int:
        return SITE_IMAGE_SIZE[1]

    @cached_property
    def structured_data(self) -> list[dict]:
        blocks = list(self.extra_data)
        if self.article:
            blocks.append(
                article(
                    headline=self.crumbs[-1].name if self.crumbs else self.title,
                    description=self.description,
                    url=self.canonical,
                    image=self.image,
                    modified=self.updated,
                )
            )
        if self.crumbs:
            trail = [Crumb("Home", reverse("guide:home")), *self.crumbs]
            absolute = self.request.build_absolute_uri
            blocks.append(breadcrumbs((c.name, absolute(c.path)) for c in trail))
        return blocks


# schema.org data (JSON-LD).
CONTEXT = "https://schema.org"
OCCUPATION_NAME = "Machine Learning Engineer"
# O*NET-SOC 2019: machine learning engineers are counted among Data Scientists.
OCCUPATIONAL_CATEGORY = "15-2051.00"
SALARY_LOCATION = {"@type": "Country", "name": "United States"}  # the article's figures: USD


def occupation(*, description: str, url: str, skills: Iterable, bands: Iterable) -> dict:
    """The occupation, its skills and one salary distribution per experience level.

    A band's range is its typical spread: published as the 10th and 90th percentiles
    (schema.org's distribution has no minimum or maximum).
    """
    return {
        "@context": CONTEXT,
        "@type": "Occupation",
        "name": OCCUPATION_NAME,
        "description": description,
        "mainEntityOfPage": url,
        "occupationalCategory": OCCUPATIONAL_CATEGORY,
        "occupationLocation": [SALARY_LOCATION],
        "skills": [skill.name for skill in skills],
        "estimatedSalary": [
            {
                "@type": "MonetaryAmountDistribution",
                "name": band.level,
                "currency": "USD",
                "duration": "P1Y",
                "percentile10": band.min_usd,
                "percentile90": band.max_usd,
            }
            for band in bands
        ],
    }


def breadcrumbs(trail: Iterable) -> dict:
    """A BreadcrumbList from (name, absolute URL) pairs, home first, the current page last."""
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def article(
    *, headline: str, description: str, url: str, image: str, modified: datetime | None
) -> dict:
    data = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": headline[:110],
        "description": description,
        "url": url,
        "mainEntityOfPage": url,
        "image": image,
        "inLanguage": "en",
    }
    if modified:
        data["dateModified"] = modified.isoformat()
    return data
