"""Failed sign-ins: the lockout page, lockout and unlock audit events, unlocking.

django-axes does the counting (settings: LOGIN_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES);
this module is what the portal adds around it. The lockout page says the same thing
whether or not the account exists, so it cannot be used to find account names.
"""

from __future__ import annotations

from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.actions import Action
from audit.services import record

LOCKOUT_STATUS = 429


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The page a locked-out sign-in gets, on the portal's and the admin's login pages."""
    context = {"minutes": settings.LOGIN_COOLOFF_MINUTES}
    return render(request, "registration/locked_out.html", context, status=LOCKOUT_STATUS)


@receiver(user_locked_out, dispatch_uid="accounts-audit-lockout")
def on_locked_out(
    sender, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs
) -> None:
    # axes signals again for every attempt made while locked out (each one restarts the
    # cool-off); the trail records the moment a limit was reached, the attempts themselves
    # are already recorded as failed sign-ins.
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures is not None and failures != limit:
        return
    name = (username or "")[:150]
    record(
        Action.LOCKOUT,
        request=request,
        username=name,
        detail=f"too many failed sign-ins: username tried {name!r} from {ip_address or 'unknown address'}",
    )


@transaction.atomic
def unlock(attempts: QuerySet[AccessAttempt], *, request: HttpRequest) -> int:
    """Forget these failed-attempt counters (lifting any lockout they cause), audited one by one.

    Returns how many counters were cleared."""
    cleared = 0
    for attempt in attempts.select_for_update():
        record(
            Action.UNLOCK,
            request=request,
            before={
                "username": attempt.username,
                "ip_address": attempt.ip_address,
                "failures": attempt.failures_since_start,
            },
            detail=f"cleared {attempt.failures_since_start} failed sign-ins by {attempt.username!r} "
            f"from {attempt.ip_address or 'unknown address'}",
        )
        attempt.delete()
        cleared += 1
    return cleared
