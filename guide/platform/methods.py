"""A request with a method its view does not take gets the site's 405 page, with `Allow`.

The method is checked before anything else looks at the request (the CSRF check
included): a POST to a reading page is the wrong method, not an expired form. The methods
a view takes are read from Django's `require_http_methods` family (`require_safe`,
`require_POST`...) and from class-based views; a view declaring neither is left to itself.
"""

from functools import cache
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods


@cache
def method_check_code():
    """The code object of the function `require_http_methods` wraps views in."""
    return require_http_methods(["GET"])(lambda request: None).__code__


def allowed_methods(view) -> list[str] | None:
    """The methods `view` takes, or None when it does not say."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return [
            method.upper()
            for method in view_class.http_method_names
            if hasattr(view_class, method)
        ]
    while view is not None:
        code = getattr(view, "__code__", None)
        if code is method_check_code() and view.__closure__:
            cells = dict(zip(code.co_freevars, view.__closure__, strict=True))
            return list(cells["request_method_list"].cell_contents)
        view = getattr(view, "__wrapped__", None)
    return None


def method_not_allowed(request: HttpRequest, allowed: list[str]) -> HttpResponse:
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
