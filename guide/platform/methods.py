"""A request with a method its view does not take gets the site's 405 page, with `Allow`.

The method is checked before anything else looks at the request (the CSRF check
included): a POST to a reading page is the wrong method, not an expired form. Views declare
their methods with this module's `require_http_methods`, `require_safe` and `require_POST`:
Django's own, which also write the methods on the view (`allowed_methods`; the decorators
above them keep it, as `functools.wraps` copies it), so the middleware can read them before
the view runs. Class-based views say theirs in `http_method_names`. A view declaring
neither is left to itself.
"""

from collections.abc import Callable, Sequence
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators import http


def require_http_methods(methods: Sequence[str]) -> Callable:
    """Django's `require_http_methods`, which also says the methods on the view."""
    refuse_others = http.require_http_methods(methods)

    def decorator(view):
        wrapped = refuse_others(view)
        wrapped.allowed_methods = tuple(methods)
        return wrapped

    return decorator


require_safe = require_http_methods(["GET", "HEAD"])
require_POST = require_http_methods(["POST"])


def allowed_methods(view) -> Sequence[str] | None:
    """The methods `view` takes, or None when it does not say."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return [
            method.upper()
            for method in view_class.http_method_names
            if hasattr(view_class, method)
        ]
    return getattr(view, "allowed_methods", None)


def method_not_allowed(request: HttpRequest, allowed: Sequence[str]) -> HttpResponse:
    context = {"method": request.method[:20], "allowed": allowed}
    response = render(request, "405.html", context, status=HTTPStatus.METHOD_NOT_ALLOWED)
    response["Allow"] = ", ".join(allowed)
    return response


class MethodNotAllowedMiddleware:
    """Goes before CsrfViewMiddleware, so that the method is checked first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == HTTPStatus.METHOD_NOT_ALLOWED and not response.content:
            allowed = [method.strip() for method in response.get("Allow", "").split(",")]
            return method_not_allowed(request, [method for method in allowed if method])
        return response

    def process_view(self, request: HttpRequest, view, args, kwargs) -> HttpResponse | None:
        allowed = allowed_methods(view)
        if allowed is not None and request.method not in allowed:
            return method_not_allowed(request, allowed)
        return None
