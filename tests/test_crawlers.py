"""robots.txt, the sitemap and the favicon: what crawlers and browsers ask for first."""

import re
from datetime import UTC, datetime
from http import HTTPStatus

from django.urls import reverse

from guide.models import RoadmapStage, Section
from tests.factories import CAREER, HOME, MODELS, ORIGIN, site_urls


def sitemap_entries(client) -> dict[str, str | None]:
    response = client.get(reverse("guide:sitemap"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/xml")
    entries = re.findall(r"<url><loc>(.*?)</loc>(?:<lastmod>(.*?)</lastmod>)?", response.text)
    return {location.removeprefix(ORIGIN): lastmod or None for location, lastmod in entries}


def test_robots_allows_reading_and_names_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    for path in ["/admin/", "/accounts/", "/progress/"]:
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    assert "Set-Cookie" not in response.headers


def test_the_sitemap_lists_every_published_reading_page(client, content):
    entries = sitemap_entries(client)
    assert sorted(entries) == sorted(site_urls())
    assert not [url for url in entries if url.startswith(("/progress/", "/accounts/"))]


def test_the_sitemap_leaves_out_drafts(client, content):
    section = Section.objects.get(slug="future-outlook")
    section.published = False
    section.save()
    stage = RoadmapStage.objects.get(number=3)
    stage.published = False
    stage.save()
    entries = sitemap_entries(client)
    assert section.get_absolute_url() not in entries
    assert stage.get_absolute_url() not in entries
    assert sorted(entries) == sorted(site_urls())


def test_the_sitemap_dates_each_page(client, content):
    for model in MODELS:
        model.history.bulk_history_create(
            list(model.objects.all()), default_date=datetime(2024, 3, 5, tzinfo=UTC)
        )
    section = Section.objects.get(slug="conclusion")
    section.save()
    entries = sitemap_entries(client)
    today = section.history.latest().history_date.date().isoformat()
    assert entries[section.get_absolute_url()] == today
    assert entries[reverse("guide:section", args=["future-outlook"])] == "2024-03-05"
    assert entries[CAREER] == "2024-03-05"
    assert entries[HOME] == today  # it lists every section's title


def test_the_sitemap_queries_once_per_page(client, content, django_assert_max_num_queries):
    pages = len(site_urls())
    # The content version, the sections and stages (counted by the paginator, then
    # listed), then each page's date.
    with django_assert_max_num_queries(1 + 2 * 2 + pages):
        client.get(reverse("guide:sitemap"))


def test_favicon_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert re.fullmatch(r"/static/img/favicon(\.[0-9a-f]+)?\.svg", response["Location"])
    assert "max-age=86400" in response["Cache-Control"]
    icon = client.get(response["Location"])
    assert icon.status_code == HTTPStatus.OK
    assert b"<svg" in b"".join(icon.streaming_content)
