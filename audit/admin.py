"""The audit trail in the admin: read-only, and filtered by article visibility."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from audit.actions import Action
from audit.models import AuditEvent
from audit.services import visible_events


class ActionFilter(admin.SimpleListFilter):
    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        return Action.choices

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_username", "action", "object_type", "object_repr", "client_address")
    list_filter = (ActionFilter, "object_type", ("at", admin.DateFieldListFilter))
    search_fields = ("actor_username", "object_repr", "detail", "client_address")
    show_full_result_count = False
    list_per_page = 100
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def get_queryset(self, request: HttpRequest):
        return visible_events(request.user).select_related(None)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
