"""What each reading page tells search engines and link previews: its own title and
description, its canonical address, Open Graph and Twitter tags, JSON-LD, "Last updated"."""

import json
import re
from datetime import UTC, datetime
from html import unescape
from http import HTTPStatus

import pytest
from django.urls import reverse

from guide.models import (
    CareerLevel,
    ChecklistItem,
    ContentList,
    ListItem,
    RoadmapStage,
    SalaryBand,
    Section,
    Skill,
)
from guide.seo import DESCRIPTION_LIMIT, TITLE_LIMIT, clip, describe
from tests.factories import (
    CAREER,
    DEEP_LEARNING_STAGE,
    HOME,
    MODELS,
    ORIGIN,
    ROADMAP,
    SALARIES,
    SEARCH,
    SKILLS,
    site_urls,
)


def head(text: str) -> str:
    return text.split("</head>")[0]


def meta(text: str, attribute: str, name: str) -> list[str]:
    pattern = rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">'
    return [unescape(value) for value in re.findall(pattern, head(text))]


def title(text: str) -> str:
    return unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1))


def canonical(text: str) -> list[str]:
    return re.findall(r'<link rel="canonical" href="([^"]*)">', head(text))


def structured_data(text: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    return [json.loads(block) for block in blocks]


def of_type(text: str, kind: str) -> list[dict]:
    return [block for block in structured_data(text) if block["@type"] == kind]


@pytest.fixture
def pages(client, content) -> dict[str, str]:
    """Every reading page of the guide, and the search page, as a reader gets them."""
    urls = [*site_urls(), SEARCH]
    responses = {url: client.get(url) for url in urls}
    assert all(response.status_code == HTTPStatus.OK for response in responses.values())
    return {url: response.text for url, response in responses.items()}


def test_every_page_has_its_own_description(pages):
    descriptions = {url: meta(text, "name", "description") for url, text in pages.items()}
    assert all(len(found) == 1 for found in descriptions.values())
    texts = [found[0] for found in descriptions.values()]
    assert len(set(texts)) == len(texts), "two pages share a description"
    assert all(20 <= len(text) <= DESCRIPTION_LIMIT for text in texts)


def test_titles_are_unique_and_short(pages):
    titles = [title(text) for text in pages.values()]
    assert len(set(titles)) == len(titles)
    assert all(len(text) <= TITLE_LIMIT < 70 for text in titles)


def test_descriptions_come_from_the_content(client, content):
    section = Section.objects.get(slug="future-outlook")
    section.body = "Robots will write the models. Then they will write the robots. More text."
    section.closing = ""
    section.save()
    text = client.get(section.get_absolute_url()).text
    assert meta(text, "name", "description") == [
        "Robots will write the models. Then they will write the robots. More text."
    ]
    salaries = meta(client.get(SALARIES).text, "name", "description")[0]
    first = SalaryBand.objects.published().first()
    assert f"{first.level} {first.range_label}" in salaries


def test_descriptions_are_cut_at_sentences_or_words():
    long = "A sentence of words. " * 12
    assert describe(long).endswith("words.")
    assert len(describe(long)) <= DESCRIPTION_LIMIT
    assert clip("word " * 50, 30) == "word word word word word word…"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{SKILLS}?category=mlops&q=docker", SKILLS),
        (f"{SALARIES}?level=mid-level", SALARIES),
        (f"{CAREER}?years=5", CAREER),
        (reverse("guide:section", args=["conclusion"]), "/guide/conclusion/"),
        (f"{SEARCH}?q=python", SEARCH),
    ],
)
def test_canonical_is_absolute_and_ignores_filters(client, content, url, expected):
    assert canonical(client.get(url).text) == [f"{ORIGIN}{expected}"]


def test_open_graph_and_twitter_tags(client, pages):
    for url, text in pages.items():
        assert meta(text, "property", "og:url") == canonical(text) == [f"{ORIGIN}{url}"]
        assert meta(text, "property", "og:title") == [title(text)]
        assert meta(text, "property", "og:description") == meta(text, "name", "description")
        assert meta(text, "name", "twitter:card") == ["summary_large_image"]
        assert meta(text, "name", "twitter:description") == meta(text, "name", "description")
    images = {meta(text, "property", "og:image")[0] for text in pages.values()}
    assert len(images) == 1
    image = client.get(images.pop().removeprefix(ORIGIN))
    assert image.status_code == HTTPStatus.OK
    assert b"".join(image.streaming_content).startswith(b"\x89PNG")


def test_every_page_below_home_has_breadcrumbs(pages):
    for url, text in pages.items():
        lists = of_type(text, "BreadcrumbList")
        if url == HOME:
            assert lists == []
            continue
        assert len(lists) == 1, url
        trail = lists[0]["itemListElement"]
        assert [entry["position"] for entry in trail] == list(range(1, len(trail) + 1))
        assert trail[0]["item"] == f"{ORIGIN}{HOME}"
        assert trail[-1]["item"] == f"{ORIGIN}{url}"


def test_each_section_is_an_article_with_its_date(client, content):
    date_everything(datetime(2024, 3, 5, 12, tzinfo=UTC))
    Section.objects.get(slug="conclusion").save()
    for section in Section.objects.published():
        text = client.get(section.get_absolute_url()).text
        (article,) = of_type(text, "Article")
        assert article["headline"] == section.title
        modified = datetime.fromisoformat(article["dateModified"])
        assert modified >= section.history.latest().history_date
        assert modified.date().isoformat() == shown_date(text)


def test_the_occupation_carries_the_salary_bands_and_skills(client, content):
    (occupation,) = of_type(client.get(HOME).text, "Occupation")
    bands = list(SalaryBand.objects.published())
    assert [
        (entry["name"], entry["currency"], entry["percentile10"], entry["percentile90"])
        for entry in occupation["estimatedSalary"]
    ] == [(band.level, "USD", band.min_usd, band.max_usd) for band in bands]
    assert all(e["@type"] == "MonetaryAmountDistribution" for e in occupation["estimatedSalary"])
    assert occupation["skills"] == [skill.name for skill in Skill.objects.published()]
    assert occupation["occupationalCategory"]


def test_the_occupation_leaves_out_drafts(client, content):
    band = SalaryBand.objects.first()
    band.published = False
    band.save()
    skill = Skill.objects.first()
    skill.published = False
    skill.save()
    (occupation,) = of_type(client.get(HOME).text, "Occupation")
    assert band.level not in [entry["name"] for entry in occupation["estimatedSalary"]]
    assert skill.name not in occupation["skills"]


def test_json_ld_cannot_close_its_script(client, content):
    section = Section.objects.get(slug="conclusion")
    section.title = "The end</script><script>alert(1)</script> & <!-- more"
    section.save()
    text = client.get(section.get_absolute_url()).text
    assert "</script><script>alert(1)" not in text
    (article,) = of_type(text, "Article")
    assert article["headline"] == section.title


def date_everything(when: datetime) -> None:
    """Give every row one history record, dated `when` (loaddata records none)."""
    for model in MODELS:
        model.history.all().delete()
        model.history.bulk_history_create(list(model.objects.all()), default_date=when)


def shown_date(text: str) -> str:
    found = re.findall(r'Last updated <time datetime="([\d-]+)">', text)
    assert len(found) == 1
    return found[0]


def test_last_updated_is_the_latest_change_to_what_the_page_shows(client, content):
    date_everything(datetime(2024, 3, 5, 12, tzinfo=UTC))
    section = Section.objects.get(slug="what-does-a-machine-learning-engineer-do")
    other = Section.objects.get(slug="conclusion")
    assert shown_date(client.get(section.get_absolute_url()).text) == "2024-03-05"
    assert "5 March 2024" in client.get(section.get_absolute_url()).text

    item = ListItem.objects.filter(content_list__section=section).first()
    item.text = "Edited today"
    item.save()
    today = item.history.latest().history_date.date().isoformat()
    assert shown_date(client.get(section.get_absolute_url()).text) == today
    assert shown_date(client.get(other.get_absolute_url()).text) == "2024-03-05"


@pytest.mark.parametrize(
    ("url", "change"),
    [
        (CAREER, lambda: CareerLevel.objects.first()),
        (SALARIES, lambda: SalaryBand.objects.first()),
        (ROADMAP, lambda: ChecklistItem.objects.first()),
        (SKILLS, lambda: Skill.objects.first()),
        (HOME, lambda: RoadmapStage.objects.first()),
        (
            DEEP_LEARNING_STAGE,
            lambda: ChecklistItem.objects.filter(stage__slug="learn-deep-learning").first(),
        ),
    ],
)
def test_each_page_dates_its_own_content(client, content, url, change):
    date_everything(datetime(2024, 3, 5, 12, tzinfo=UTC))
    assert shown_date(client.get(url).text) == "2024-03-05"
    row = change()
    row.save()
    assert shown_date(client.get(url).text) == row.history.latest().history_date.date().isoformat()


def test_a_drafts_edit_does_not_date_the_readers_page(client, content):
    draft = ContentList.objects.filter(section__slug="common-challenges").first()
    draft.published = False
    draft.save()
    date_everything(datetime(2024, 3, 5, 12, tzinfo=UTC))
    draft.heading = "Still a draft"
    draft.save()
    page = reverse("guide:section", args=["common-challenges"])
    assert shown_date(client.get(page).text) == "2024-03-05"
