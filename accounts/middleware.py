"""Session time limits: an absolute one from sign-in and an idle one from the last request.

Django's own expiry is only the cookie age, which every save of the session pushes back,
so it cannot say "signed in too long" or "away too long". This middleware keeps two
stamps in the session (seconds since the epoch, so they serialise as JSON):

- ``auth_started_at``: set when the person signs in (``accounts.signals``);
- ``auth_seen_at``: the last request, refreshed at most once a minute so that reading
  pages does not write the session on every request.

When either limit is exceeded the person is signed out and told why; the login-required
middleware then sends them to the sign-in page with ``next`` pointing back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

STARTED_KEY = "auth_started_at"
SEEN_KEY = "auth_seen_at"
# Writing the last-seen stamp at most this often keeps page reads from writing the session;
# the idle limit is therefore exact to within this many seconds.
SEEN_RESOLUTION_SECONDS = 60


def stamp_session_start(request: HttpRequest) -> None:
    """Mark the session as started now (called on every sign-in)."""
    now = int(timezone.now().timestamp())
    request.session[STARTED_KEY] = now
    request.session[SEEN_KEY] = now


def expiry_reason(session: SessionBase, now: int) -> str | None:
    """Why this signed-in session is over, in words for the person, or None if it is not."""
    started = session.get(STARTED_KEY)
    seen = session.get(SEEN_KEY)
    if started is not None and now - started >= settings.SESSION_MAX_AGE_HOURS * 3600:
        hours = settings.SESSION_MAX_AGE_HOURS
        return f"You were signed out because sessions last at most {hours} hour{'s' if hours != 1 else ''}."
    if seen is not None and now - seen >= settings.SESSION_IDLE_MINUTES * 60:
        minutes = settings.SESSION_IDLE_MINUTES
        return f"You were signed out after {minutes} minute{'s' if minutes != 1 else ''} without activity."
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self.enforce_limits(request)
        return self.get_response(request)

    def enforce_limits(self, request: HttpRequest) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        if STARTED_KEY not in session:
            # A session from before these limits existed: its limits start counting now.
            stamp_session_start(request)
            return
        reason = expiry_reason(session, now)
        if reason is not None:
            logout(request)
            messages.info(request, reason)
            return
        if now - session.get(SEEN_KEY, 0) >= SEEN_RESOLUTION_SECONDS:
            session[SEEN_KEY] = now
