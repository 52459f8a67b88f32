"""Who is asking: the API token (``api.authentication``), or a signed-in browser session.

The export views are plain Django views (they stream, and TAXII speaks its own media type
and error format), so this decorator does what DRF's view does for the JSON API: the same
token authentication (one message for every unusable token), the same per-token rate limit,
and 401 with a Bearer challenge when no credentials came. Every export is read-only, so a
read token is enough.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from rest_framework import exceptions

from api.authentication import ApiTokenAuthentication
from api.throttling import TokenRateThrottle

NO_CREDENTIALS = "Authentication credentials were not provided."


def error_response(status: int, message: str, content_type: str = "application/json") -> HttpResponse:
    if content_type.startswith("text/"):
        response = HttpResponse(f"{message}\n", status=status, content_type=f"{content_type}; charset=utf-8")
    else:
        if content_type.startswith("application/taxii+json"):
            body = {"title": message, "http_status": str(status)}
        else:
            body = {"detail": message}
        response = HttpResponse(json.dumps(body), status=status, content_type=content_type)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def authenticate(request: HttpRequest) -> str | None:
    """Set ``request.user``/``request.auth`` from the token or session; an error or None."""
    try:
        found = ApiTokenAuthentication().authenticate(request)
    except exceptions.AuthenticationFailed as exc:
        return str(exc.detail)
    if found is not None:
        request.user, request.auth = found
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active:
        request.auth = None
        return None
    return NO_CREDENTIALS


def export_view(content_type: str = "application/json") -> Callable:
    """Decorate a GET-only export view: authenticate, rate-limit, then run it."""

    def decorate(view: Callable) -> Callable:
        # The token is the login: LoginRequiredMiddleware would redirect a script to a form.
        @login_not_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in ("GET", "HEAD"):
                response = error_response(405, "Method not allowed.", content_type)
                response["Allow"] = "GET, HEAD"
                return response
            problem = authenticate(request)
            if problem is not None:
                return error_response(401, problem, content_type)
            throttle = TokenRateThrottle()
            if not throttle.allow_request(request, None):
                response = error_response(429, "Too many requests.", content_type)
                wait = throttle.wait()
                if wait is not None:
                    response["Retry-After"] = str(int(wait) + 1)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
