"""Sign-in events from Django's auth signals, for every door (portal and admin login)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.actions import Action
from audit.services import record


@receiver(user_logged_in, dispatch_uid="audit-login")
def on_login(sender, request, user, **kwargs) -> None:
    record(Action.LOGIN, request=request, actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit-logout")
def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(Action.LOGOUT, request=request, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit-login-failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    # The name typed, whether or not such an account exists; never the password.
    username = str(credentials.get("username", ""))[:150]
    record(Action.LOGIN_FAILED, request=request, username=username, detail=f"username tried: {username!r}")
