"""The admin page of failed sign-in counters, where admins unlock people.

django-axes' own page deletes counters without a trace; this one records an audit event
for each counter cleared, whether by the "Unlock" action, "delete selected" or the
delete button. Registered from ``AccountsConfig.ready`` (AXES_ENABLE_ADMIN is off).
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin

from accounts.login_throttle import unlock


class AuditedAccessAttemptAdmin(AccessAttemptAdmin):
    actions = ["unlock_selected"]

    @admin.action(description="Unlock: clear the selected failed sign-in counters", permissions=["delete"])
    def unlock_selected(self, request, queryset) -> None:
        cleared = unlock(queryset, request=request)
        self.message_user(request, f"Cleared {cleared} failed sign-in counter{'s' if cleared != 1 else ''}.")

    def delete_model(self, request, obj) -> None:
        unlock(AccessAttempt.objects.filter(pk=obj.pk), request=request)

    def delete_queryset(self, request, queryset) -> None:
        unlock(queryset, request=request)


def register(site: admin.AdminSite = admin.site) -> None:
    if not site.is_registered(AccessAttempt):
        site.register(AccessAttempt, AuditedAccessAttemptAdmin)
