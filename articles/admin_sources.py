"""The Source admin: what admins use to add, tune and watch feeds."""

from __future__ import annotations

from django.contrib import admin

from articles.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "enabled",
        "default_tlp",
        "reliability",
        "poll_interval_minutes",
        "last_success_at",
        "consecutive_failures",
    )
    list_filter = ("kind", "enabled", "default_tlp", "reliability")
    search_fields = ("name", "url")
    readonly_fields = (
        "last_polled_at",
        "last_success_at",
        "last_error",
        "consecutive_failures",
        "etag",
        "last_modified",
        "created_at",
    )
