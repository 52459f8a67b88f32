"""Sign-in hooks of the accounts app."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import stamp_session_start


@receiver(user_logged_in, dispatch_uid="accounts-session-start")
def on_login(sender, request, user, **kwargs) -> None:
    # Every door (portal, admin, force_login in tests) starts the session limits afresh.
    if request is not None and hasattr(request, "session"):
        stamp_session_start(request)
