"""What the site says about itself to crawlers and browsers: robots.txt, the sitemap,
the favicon, and what changed in the guide (a page and an Atom feed)."""

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.views.decorators.cache import cache_control

from guide.history import Change, published_changes
from guide.platform.methods import require_safe
from guide.seo import Crumb, PageMeta, page_title
from guide.serving.pagecache import reader_page
from guide.sitemaps import SITEMAPS

# Pages for one visitor, or for nobody outside: not for search engines.
PRIVATE_PATHS = ["/admin/", "/accounts/", "/progress/"]
CHANGES_SHOWN = 50


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {
        "private_paths": PRIVATE_PATHS,
        "sitemap_url": request.build_absolute_uri(reverse("guide:sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


@reader_page
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=SITEMAPS)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico: the icon's hashed address changes with each release,
    so the redirect is temporary (cached for a day)."""
    return redirect(static("img/favicon.svg"))


@reader_page
def changes(request: HttpRequest) -> HttpResponse:
    entries = published_changes(limit=CHANGES_SHOWN)
    path = reverse("guide:changes")
    context = {
        "changes": entries,
        "page": PageMeta(
            request,
            title=page_title("What changed"),
            description=(
                f"The latest {len(entries)} changes to the guide, newest first: "
                "what was added, changed or removed, and when."
                if entries
                else "Changes to the guide, newest first."
            ),
            path=path,
            crumbs=[Crumb("What changed", path)],
            updated=entries[0].date if entries else None,
        ),
    }
    return render(request, "guide/changes.html", context)


class ChangesFeed(Feed):
    """The changes as an Atom feed: each entry links to the page that shows the row."""

    feed_type = Atom1Feed
    title = "What changed in the ML Engineer Career Path guide"
    author_name = "ML Engineer Career Path"  # the site: editors' names are never published
    subtitle = "Rows of the guide added, changed or removed, newest first."
    item_guid_is_permalink = False

    def get_object(self, request: HttpRequest) -> str:
        return request.build_absolute_uri(reverse("guide:changes"))

    def link(self) -> str:
        return reverse("guide:changes")

    def items(self, changes_url: str) -> list[tuple[Change, str]]:
        return [(change, changes_url) for change in published_changes(limit=CHANGES_SHOWN)]

    def item_title(self, item: tuple[Change, str]) -> str:
        change, _ = item
        return f"{change.kind}: {change.what} “{change.name}”"

    def item_description(self, item: tuple[Change, str]) -> str:
        change, _ = item
        when = date_format(localtime(change.date), "j F Y")
        return f"{change.kind} on {when}: the {change.what} “{change.name}”."

    def item_link(self, item: tuple[Change, str]) -> str:
        change, _ = item
        return change.url or f"{reverse('guide:changes')}#{change.id}"

    def item_guid(self, item: tuple[Change, str]) -> str:
        change, changes_url = item
        return f"{changes_url}#{change.id}"

    def item_updateddate(self, item: tuple[Change, str]):
        return item[0].date

    def item_pubdate(self, item: tuple[Change, str]):
        return item[0].date


changes_feed = reader_page(ChangesFeed())
