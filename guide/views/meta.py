"""What the site says about itself to crawlers and browsers: robots.txt, the sitemap,
the favicon, and what changed in the guide (a page and an Atom feed)."""

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_safe

from guide.sitemaps import SITEMAPS
from guide.views.helpers import reader_etag

# Pages for one visitor, or for nobody outside: not for search engines.
PRIVATE_PATHS = ["/admin/", "/accounts/", "/progress/"]


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    context = {
        "private_paths": PRIVATE_PATHS,
        "sitemap_url": request.build_absolute_uri(reverse("guide:sitemap")),
    }
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")


@require_safe
@condition(etag_func=reader_etag)
def sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_view(request, sitemaps=SITEMAPS)


@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico: the icon's hashed address changes with each release,
    so the redirect is temporary (cached for a day)."""
    return redirect(static("img/favicon.svg"))
