"""Whole reading pages for visitors without a session, kept in the shared cache.

A reading page is the same for every visitor who has no session: `reader_page` marks such
a response shareable (an ETag, `Cache-Control: public`), and `PageCacheMiddleware`, right
after whitenoise, stores it and answers the next identical request from the cache, before
any other middleware or view runs.

What keys a page: the method (HEAD shares GET's entry), scheme, host, path, the query
string in a normal order, every request header that changes the body (`VARIANT_HEADERS`),
the content version and the release. An edit bumps the content version, so the next
request to any worker or node misses and renders the new content: nothing stale is ever
served. Only a 200 without cookies, not varying on `Cookie`, not private, is stored, and
never for a visitor who has a session or a pending message.

Stored pages carry no secret (no token, no per-visitor data), so they are kept compressed
(gzip and Brotli) and served compressed to clients that accept it; nothing else is
compressed by the app (BREACH).
"""

import gzip
import hashlib
import logging
from collections.abc import Callable
from functools import lru_cache, wraps
from http import HTTPStatus
from urllib.parse import parse_qsl, urlencode

import brotli
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.urls import Resolver404, resolve
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import condition, require_safe
from django.views.decorators.vary import vary_on_headers

from guide.serving import kept, skeletons
from guide.serving.kept import content_version, release, request_version
from guide.visibility import has_private_state, is_editor

logger = logging.getLogger(__name__)

# Request headers that change a page's body: htmx asks for a region, the header's live
# search names its own target, a history restore needs the whole page.
VARIANT_HEADERS = ("HX-Request", "HX-Target", "HX-History-Restore-Request")
# The same, as WSGI names them: read from `request.META`, since `request.headers` builds
# a map of every header (a cache hit would spend a third of its time there).
VARIANT_META = tuple(f"HTTP_{name.upper().replace('-', '_')}" for name in VARIANT_HEADERS)
SKIPPED_HEADERS = {"content-length", "set-cookie"}
COMPRESSORS = {
    "br": lambda body: brotli.compress(body, quality=5),
    "gzip": lambda body: gzip.compress(body, compresslevel=6),
}


def variant(request: HttpRequest) -> str:
    meta = request.META
    return "|".join(meta.get(name, "") for name in VARIANT_META)


def reader_etag(request: HttpRequest, *args, **kwargs) -> str | None:
    """The ETag of a reading page for a visitor without private state, else None.

    It names the content version, the release and the variant of the page (whole page,
    region, live results), so a revalidation can never hand one body to another.
    """
    if has_private_state(request):
        return None
    shape = hashlib.blake2b(variant(request).encode(), digest_size=4).hexdigest()
    return f'"{request_version(request)}-{release()}-{shape}"'


def reader_page(view=None, *, shows: Callable[[HttpRequest], str | None] | None = None):
    """A reading page: GET and HEAD, the same for every visitor without a session.

    Such visitors get an ETag, `public` revalidation and a page the cache may keep;
    visitors with a session get their own page, `private, no-store`, built from the page's
    skeleton (all of it but its `{% personal %}` parts) with their own parts put in
    (guide.serving.skeletons). Where the page also `shows` something of the visitor outside those
    parts (the roadmap: their ticks), `shows(request)` says what, and the skeleton is
    shared by the visitors for whom it says the same (None: kept for none). Editors, who
    see drafts, always get the page rendered whole.
    """
    if view is None:
        return lambda view: reader_page(view, shows=shows)

    with_etag = condition(etag_func=reader_etag)(view)

    def render(request, *args, **kwargs):
        if is_editor(request):
            return with_etag(request, *args, **kwargs)
        key, timeout = skeleton_of(request, shows)
        if key and has_private_state(request):
            response = skeletons.from_skeleton(request, key)
            if response is not None:
                return response
        request.personal_marks = True
        try:
            response = with_etag(request, *args, **kwargs)
        finally:
            request.personal_marks = False
        skeletons.keep_skeleton(request, response, key, timeout)
        return response

    @wraps(view)
    @require_safe
    @vary_on_headers(*VARIANT_HEADERS)
    def wrapped(request, *args, **kwargs):
        response = render(request, *args, **kwargs)
        if response.has_header("ETag"):
            if response.status_code == HTTPStatus.OK:
                patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    wrapped.reader_page = True
    # What guide.platform.methods reads to answer other methods with 405 before the CSRF
    # check (said here as its decorators say it: guide.platform builds on this package).
    wrapped.allowed_methods = ("GET", "HEAD")
    return wrapped


def skeleton_of(request: HttpRequest, shows) -> tuple[str | None, int]:
    """Where the page's skeleton is kept for this visitor (None: nowhere), and how long."""
    key = page_key(request, str(request_version(request)))
    if key is None:
        return None, 0
    if shows is None:
        return skeletons.skeleton_key(key), skeletons.SKELETON_TIMEOUT
    state = shows(request)
    if state is None:
        return None, 0
    return skeletons.skeleton_key(key, state), skeletons.STATE_SKELETON_TIMEOUT


def is_reader_page(request: HttpRequest) -> bool:
    """Whether the address is a reading page's: only those are looked for in the cache."""
    return resolves_to_reader_page(request.path_info)


@lru_cache(maxsize=4096)
def resolves_to_reader_page(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "reader_page", False)


def page_key(request: HttpRequest, version: str) -> str | None:
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # let the normal path answer 400
    query = request.META.get("QUERY_STRING", "")
    return f"page:{address(request.scheme, host, request.path, query, variant(request))}:{version}"


@lru_cache(maxsize=4096)
def address(scheme: str, host: str, path: str, query: str, variant: str) -> str:
    """A digest of what names a page (the query in a normal order) and of the release."""
    query = urlencode(sorted(parse_qsl(query, True)))
    parts = [scheme, host, path, query, variant, release()]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def storable(response: HttpResponse) -> bool:
    control = response.get("Cache-Control", "")
    vary = {value.strip().lower() for value in response.get("Vary", "").split(",")}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary
        and "public" in control
        and response.has_header("ETag")
    )


def accepted_encoding(request: HttpRequest) -> str | None:
    return encoding_for(request.META.get("HTTP_ACCEPT_ENCODING", ""))


@lru_cache(maxsize=256)
def encoding_for(accept_encoding: str) -> str | None:
    """The kept encoding to send for an `Accept-Encoding` value (None: uncompressed).
    Browsers send a handful of values, so each is parsed once."""
    accepted = set()
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") not in {"q=0", "q=0.0", "q=0.00", "q=0.000"}:
            accepted.add(name.strip().lower())
    return next((name for name in COMPRESSORS if name in accepted), None)


def entries_for(response: HttpResponse) -> dict[str | None, dict]:
    """What is kept of a page: one entry per encoding (none, Brotli, gzip), so that a hit
    reads only the body it sends, each with every header it is sent with."""
    body = response.content
    patch_vary_headers(response, ("Accept-Encoding",))
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in SKIPPED_HEADERS
    ]
    bodies = {None: body, **{name: compress(body) for name, compress in COMPRESSORS.items()}}
    return {
        encoding: {
            "headers": [
                *headers,
                *([("Content-Encoding", encoding)] if encoding else []),
                ("Content-Length", str(len(encoded))),
            ],
            "body": encoded,
            "etag": response["ETag"],
        }
        for encoding, encoded in bodies.items()
    }


def response_from(request: HttpRequest, entry: dict) -> HttpResponse:
    # From the WSGI environ, as the variant is: `request.headers` would build a map of all.
    if request.META.get("HTTP_IF_NONE_MATCH") == entry["etag"]:
        response = HttpResponseNotModified()
        for name, value in entry["headers"]:
            if name.lower() in {"etag", "cache-control", "vary", "content-location"}:
                response[name] = value
        return response
    return HttpResponse(
        b"" if request.method == "HEAD" else entry["body"], headers=dict(entry["headers"])
    )


class PageCacheMiddleware:
    """Serve and keep reading pages for visitors without a session (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.method not in {"GET", "HEAD"}
            or has_private_state(request)
            or not is_reader_page(request)
        ):
            return self.get_response(request)
        try:
            request.content_version = content_version()
        except DatabaseError:
            return self.get_response(request)  # the site's outage page answers
        page = page_key(request, str(request.content_version))
        if page is None:
            return self.get_response(request)
        encoding = accepted_encoding(request)
        try:
            entry = kept.recall(f"{page}:{encoding}")
        except Exception:
            logger.warning("page cache unavailable: rendering the page")
            return self.get_response(request)
        if entry is not None:
            return response_from(request, entry)
        response = self.get_response(request)
        if request.method == "GET" and storable(response):
            entries = entries_for(response)
            try:
                kept.keep_many(
                    {f"{page}:{name}": entry for name, entry in entries.items()}, kept.TIMEOUT
                )
            except Exception:
                logger.warning("page cache unavailable: page not kept")
            return response_from(request, entries[encoding])
        return response
