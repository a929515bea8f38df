"""The fixture holds the whole article, loads idempotently, and the site shows every line."""

import html
import re
from pathlib import Path

from django.core.management import call_command
from django.utils.html import strip_tags

from guide.models import (
    CareerLevel,
    ChecklistItem,
    PortfolioProject,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
    SkillCategory,
)
from tests.factories import FIXTURE, MODELS, site_urls

ARTICLE = Path(__file__).parent / "data" / "ml-engineer-career-path.txt"
# Page chrome of the article's source, not content.
NOT_CONTENT = {"Leave a Comment"}


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def test_counts_match_the_article(content):
    assert counts() == {
        "Section": 12,
        "ContentList": 9,
        "ListItem": 43,
        "RoadmapStage": 6,
        "ChecklistItem": 28,
        "Resource": 27,
        "SkillCategory": 6,
        "Skill": 34,
        "PortfolioProject": 6,
        "CareerLevel": 6,
        "SalaryBand": 5,
        "Provider": 5,
        "Certification": 5,
    }
    assert [stage.items.count() for stage in RoadmapStage.objects.all()] == [5, 3, 5, 4, 6, 5]


def test_loading_twice_changes_nothing(content):
    before = counts()
    links = (Skill.stages.through.objects.count(), PortfolioProject.skills.through.objects.count())
    item_ids = list(ChecklistItem.objects.values_list("pk", "slug"))

    call_command("loaddata", FIXTURE, verbosity=0)

    assert counts() == before
    assert links == (
        Skill.stages.through.objects.count(),
        PortfolioProject.skills.through.objects.count(),
    )
    # Rows are updated in place: the ids user data points at stay the same.
    assert list(ChecklistItem.objects.values_list("pk", "slug")) == item_ids


def test_reload_restores_edited_text_and_keeps_ids(content):
    item = ChecklistItem.objects.get(slug="programming-functions")
    item.title = "Edited"
    item.save()

    call_command("loaddata", FIXTURE, verbosity=0)

    reloaded = ChecklistItem.objects.get(slug="programming-functions")
    assert (reloaded.pk, reloaded.title) == (item.pk, "Functions")


def test_load_guide_restores_an_order_an_editor_changed(content):
    first, second = RoadmapStage.objects.get(number=1), RoadmapStage.objects.get(number=2)
    first.number, second.number = 100, 1
    first.save()
    second.save()
    first.number = 2
    first.save()
    items = list(first.items.order_by("position"))
    items[0].position, items[-1].position = 50, items[0].position
    items[0].save()
    items[-1].save()
    ids = dict(ChecklistItem.objects.values_list("slug", "pk"))

    call_command("load_guide", verbosity=0)

    assert list(RoadmapStage.objects.values_list("slug", flat=True)[:2]) == [
        "learn-programming-fundamentals",
        "develop-data-analysis-skills",
    ]
    assert first.items.order_by("position").first().slug == items[0].slug
    assert dict(ChecklistItem.objects.values_list("slug", "pk")) == ids


def test_load_guide_if_empty_keeps_edits(content):
    Section.objects.filter(slug="conclusion").update(title="Edited")
    call_command("load_guide", "--if-empty", verbosity=0)
    assert Section.objects.get(slug="conclusion").title == "Edited"
    call_command("load_guide", verbosity=0)
    assert Section.objects.get(slug="conclusion").title == "Conclusion"


def test_numbers_are_numbers(content):
    bands = {band.slug: band for band in SalaryBand.objects.all()}
    assert (bands["entry-level"].min_usd, bands["entry-level"].max_usd) == (80_000, 120_000)
    assert not bands["entry-level"].max_is_open
    assert (bands["ai-architect"].min_usd, bands["ai-architect"].max_usd) == (250_000, 500_000)
    assert [band.max_is_open for band in SalaryBand.objects.all()] == [
        False,
        False,
        True,
        True,
        True,
    ]
    levels = CareerLevel.objects.values_list("min_years", "max_years")
    assert list(levels) == [(0, 2), (2, 5), (5, 8), (8, 12), (10, None), (12, None)]


def test_categories_and_projects(content):
    assert list(SkillCategory.objects.values_list("slug", flat=True)) == [
        "programming",
        "math-statistics",
        "ml-fundamentals",
        "deep-learning",
        "cloud",
        "mlops",
    ]
    stage_five = RoadmapStage.objects.get(number=5)
    assert {item.project.title for item in stage_five.items.all()} == set(
        PortfolioProject.objects.values_list("title", flat=True)
    )
    assert all(skill.description for skill in Skill.objects.all())


def comparable(text: str) -> str:
    """Letters, digits, '$' and '+' only, lower-cased: layout and punctuation aside."""
    return re.sub(r"[^a-z0-9$+]", "", html.unescape(text).lower())


def test_every_line_of_the_article_is_on_the_site(client, content):
    pages = [client.get(url) for url in site_urls()]
    assert {page.status_code for page in pages} == {200}
    site = comparable(" ".join(strip_tags(page.content.decode()) for page in pages))

    lines = [line.replace("•", "").strip() for line in ARTICLE.read_text().splitlines()]
    lines = [line for line in lines if line and line not in NOT_CONTENT]
    assert len(lines) > 200
    missing = [line for line in lines if comparable(line) not in site]
    assert missing == []


def test_sections_follow_the_article_order(content):
    assert list(Section.objects.values_list("slug", flat=True)) == [
        "introduction",
        "what-is-a-machine-learning-engineer",
        "why-machine-learning-engineering-is-in-demand",
        "what-does-a-machine-learning-engineer-do",
        "essential-skills",
        "career-roadmap",
        "career-progression",
        "salary-expectations",
        "certifications",
        "common-challenges",
        "future-outlook",
        "conclusion",
    ]
