"""Project-wide request and response guards that no single view should have to remember.

- ``RejectMalformedRequestsMiddleware``: answers 400, before any view runs, to
  - a NUL character in the address, a query or form value, a cookie or a header. PostgreSQL
    refuses NUL in text, so ``/authors/%00/`` or an admin ``?q=%00`` reached the database
    and became a 500;
  - an admin date drill-down out of range (``?published_at__year=9999``, ``__month=13``,
    ``__day=99999999999999999999``): the admin adds a year (or a month, or a day) to the
    start of the period, and time-zone conversion can move it back a day, so the edges of
    Python's date range, and numbers too big for it, were 500s. Impossible dates inside the
    ranges (February 30) the admin already rejects itself;
  - an empty ``_to_field``, which the admin's change and delete pages look up as a field
    named "" (a 500).
- ``SecurityHeadersMiddleware``: ``Permissions-Policy`` (Django sets the other headers;
  django-csp sets the Content-Security-Policy).
- ``NoStoreForSignedInMiddleware``: nothing shown to a signed-in user is kept by a browser
  or proxy cache, since pages carry article content under TLP. Static files never get here
  (WhiteNoise answers them earlier), so they stay cacheable.
- ``QueryTimeoutPageMiddleware``: a query cancelled at the statement timeout is a 503
  page that asks the reader to narrow the request, not a 500.
- ``OwnNotFoundPageMiddleware``: a view's ``Http404`` (a hidden or missing article) renders
  our 404 page even with DEBUG on, where Django's technical page would list URL patterns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers
from django.views.defaults import page_not_found

logger = logging.getLogger(__name__)
NUL = "\x00"
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
DRILL_DOWN_RANGES = {"year": range(2, 9999), "month": range(1, 13), "day": range(1, 32)}
TO_FIELD = "_to_field"  # django.contrib.admin.options.TO_FIELD_VAR

# Browser features the portal never uses; denying them means injected content cannot
# either. Clipboard writes stay allowed: the findings panel copies indicators.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)

Middleware = Callable[[HttpRequest], HttpResponse]


def what_is_malformed(request: HttpRequest) -> str | None:
    """Why the request cannot be served, in words for the person; None when it can."""
    place = where_is_nul(request)
    if place is not None:
        return f"{place} contains a NUL character (%00), which nothing here accepts. Remove it and try again."
    drill_down_problem = _absurd_drill_down(request)
    if drill_down_problem is not None:
        return f"{drill_down_problem}. Go back to the list and pick a date from it."
    if any(query.get(TO_FIELD) == "" for query in (request.GET, _submitted_form(request)) if query):
        return f"{TO_FIELD} is empty; leave it out, or name a field."
    return None


def where_is_nul(request: HttpRequest) -> str | None:
    """Which part of the request carries a NUL character, in words; None when none does."""
    if NUL in request.path_info:
        return "the address"
    if _contains_nul(request.GET.lists()):
        return "the query string"
    form = _submitted_form(request)
    if form is not None and _contains_nul(form.lists()):
        return "the submitted form"
    if _contains_nul((name, [value]) for name, value in request.COOKIES.items()):
        return "a cookie"
    # Headers too: django-axes stores the User-Agent of a failed sign-in.
    if any(NUL in str(value) for name, value in request.META.items() if name.startswith("HTTP_")):
        return "a header"
    return None


def _contains_nul(pairs: Iterable[tuple[str, list[str]]]) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in pairs)


def _submitted_form(request: HttpRequest) -> QueryDict | None:
    if request.method != "POST" or request.content_type not in FORM_CONTENT_TYPES:
        return None
    try:
        return request.POST
    except MultiPartParserError:
        return None  # the form now reads as empty, so the CSRF check refuses the request


def _absurd_drill_down(request: HttpRequest) -> str | None:
    for name, values in request.GET.lists():
        field, separator, part = name.rpartition("__")
        allowed = DRILL_DOWN_RANGES.get(part) if field and separator else None
        if allowed is None:
            continue
        for value in values:
            try:
                number = int(value)
            except ValueError:
                continue  # not a number: the admin itself answers "incorrect lookup"
            if number not in allowed:
                return f"{name} must be a number from {allowed.start} to {allowed.stop - 1}"
    return None


class RejectMalformedRequestsMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = what_is_malformed(request)
        if problem is not None:
            return HttpResponseBadRequest(f"Bad request: {problem}", content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreForSignedInMiddleware:
    """Must come after AuthenticationMiddleware (it reads ``request.user``)."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


class OwnNotFoundPageMiddleware:
    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class QueryTimeoutPageMiddleware:
    """A query PostgreSQL cancelled at ``statement_timeout`` gets a 503 page that says what
    happened and what to try, instead of the generic 500 (the timeout is a backstop: pages
    are designed to stay far below it; see docs/architecture.md, "Scale")."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from articles.query_budget import QueryTooSlow, is_timeout

        if isinstance(exception, QueryTooSlow) or is_timeout(exception):
            logger.warning("query cancelled at the statement timeout: %s %s", request.method, request.path)
            return render(request, "query_timeout.html", status=503)
        return None
