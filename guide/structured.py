"""schema.org data (JSON-LD) built from the guide's rows; `base.html` emits each block in a
`<script type="application/ld+json">` (data, not code: the CSP has nothing to run)."""

from collections.abc import Iterable
from datetime import datetime

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
