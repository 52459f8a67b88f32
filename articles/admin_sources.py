"""The Source admin: what admins use to add, tune and watch feeds.

Health columns come from one annotated query (no query per row), "Poll now" as a
list action queues polls for the workers, and the button on a source's page polls
synchronously so the admin sees the result at once.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import pluralize, truncatechars
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from articles.admin_mixins import HiddenArticlesDeletionMixin
from articles.forms import SourceForm
from articles.ingest.collector import poll
from articles.models import Source, SourceKind
from articles.views.sources import RECENT_DAYS, queue_polls, with_recent_item_counts

LAST_ERROR_COLUMN_CHARS = 80
REPORT_LEVELS = {"failed": messages.ERROR, "busy": messages.WARNING, "disabled": messages.WARNING}


class FailingFilter(admin.SimpleListFilter):
    title = "health"
    parameter_name = "failing"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("yes", "Failing"), ("no", "Healthy")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> QuerySet[Source]:
        if self.value() == "yes":
            return queryset.filter(consecutive_failures__gt=0)
        if self.value() == "no":
            return queryset.filter(consecutive_failures=0)
        return queryset


def _relative_time(moment: datetime | None, *, empty: str) -> str:
    """Relative time ("3 hours ago", "in 20 minutes") is scannable in a column; exact on hover."""
    if moment is None:
        return empty
    now = timezone.now()
    words = f"in {timeuntil(moment, now)}" if moment > now else f"{timesince(moment, now)} ago"
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.isoformat(), moment, words)


@admin.register(Source)
class SourceAdmin(HiddenArticlesDeletionMixin, admin.ModelAdmin):
    form = SourceForm
    list_display = (
        "name",
        "kind",
        "enabled",
        "last_success",
        "failures",
        "next_poll",
        "recent_items",
        "last_error_short",
    )
    list_filter = ("kind", "enabled", FailingFilter, "reliability", "default_tlp")
    search_fields = ("name", "url")
    actions = ("poll_now", "enable", "disable")
    readonly_fields = (
        "next_poll_at",
        "polling_started_at",
        "last_polled_at",
        "last_success_at",
        "consecutive_failures",
        "last_error",
        "last_error_kind",
        "last_error_at",
        "last_result_summary",
        "etag",
        "last_modified",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("name", "kind", "url", "folder", "enabled", "poll_interval_minutes")}),
        ("Handling", {"fields": ("default_tlp", "reliability")}),
        (
            "Keyword filters",
            {"fields": ("include_keywords", "exclude_keywords"), "classes": ("collapse",)},
        ),
        (
            "Health (written by the collector)",
            {
                "fields": (
                    "last_polled_at",
                    "last_success_at",
                    "next_poll_at",
                    "polling_started_at",
                    "consecutive_failures",
                    "last_error_kind",
                    "last_error",
                    "last_error_at",
                    "last_result_summary",
                )
            },
        ),
        (
            "HTTP cache validators",
            {"fields": ("etag", "last_modified", "created_at"), "classes": ("collapse",)},
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return with_recent_item_counts(super().get_queryset(request), user=request.user)

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, source: Source) -> str:
        return _relative_time(source.last_success_at, empty="never")

    @admin.display(description="failures", ordering="consecutive_failures")
    def failures(self, source: Source) -> int:
        return source.consecutive_failures

    @admin.display(description="next poll", ordering="next_poll_at")
    def next_poll(self, source: Source) -> str:
        if not source.enabled:
            return "not scheduled"
        return _relative_time(source.next_poll_at, empty="due now")

    @admin.display(description=f"items, {RECENT_DAYS} days", ordering="recent_items")
    def recent_items(self, source: Source) -> int:
        return source.recent_items

    @admin.display(description="last error", ordering="last_error")
    def last_error_short(self, source: Source) -> str:
        if not source.last_error:
            return ""
        return format_html(
            '<span title="{}">{}</span>',
            source.last_error,
            truncatechars(source.last_error, LAST_ERROR_COLUMN_CHARS),
        )

    @admin.display(description="last result")
    def last_result_summary(self, source: Source) -> str:
        result = source.last_result or {}
        if not result:
            return "not polled yet"
        counts = ", ".join(
            f"{result.get(name, 0)} {name}" for name in ("new", "updated", "unchanged", "filtered", "skipped")
        )
        warnings = result.get("warnings") or []
        summary = f"{result.get('status', '?')} — {counts}"
        return f"{summary}; warnings: {' | '.join(warnings)}" if warnings else summary

    @admin.action(description="Poll now (queued for the workers)")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        manual = queryset.filter(kind=SourceKind.MANUAL).count()
        if manual:
            self.message_user(
                request,
                f"Skipped {manual} manual source{pluralize(manual)}: there is nothing to poll.",
                messages.WARNING,
            )
        names = list(queryset.exclude(kind=SourceKind.MANUAL).values_list("pk", "name"))
        if not names:
            return
        queue_polls(pk for pk, _ in names)
        shown = ", ".join(name for _, name in names[:10]) + (" …" if len(names) > 10 else "")
        self.message_user(
            request,
            f"Queued a poll of {len(names)} source{pluralize(len(names))} ({shown}); "
            "the results appear in the health columns once the workers are done.",
            messages.SUCCESS,
        )

    @admin.action(description="Enable selected sources")
    def enable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        changed = queryset.filter(enabled=False).update(enabled=True)
        self.message_user(request, f"Enabled {changed} source{pluralize(changed)}.", messages.SUCCESS)

    @admin.action(description="Disable selected sources")
    def disable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        changed = queryset.filter(enabled=True).update(enabled=False)
        self.message_user(request, f"Disabled {changed} source{pluralize(changed)}.", messages.SUCCESS)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict,
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Source | None = None,
    ) -> HttpResponse:
        context["can_poll"] = obj is not None and obj.can_poll
        return super().render_change_form(
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )

    def get_urls(self) -> list[URLPattern]:
        poll_url = path(
            "<path:object_id>/poll/",
            self.admin_site.admin_view(self.poll_now_view),
            name="articles_source_poll",
        )
        return [poll_url, *super().get_urls()]

    def poll_now_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The change page's "Poll now" button: poll in this request and report the result."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        if not source.can_poll:
            self.message_user(request, "A manual source has nothing to poll.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:articles_source_change", args=[source.pk]))
        report = poll(source.pk, force=True)
        self.message_user(request, report.line(), REPORT_LEVELS.get(report.status, messages.SUCCESS))
        return HttpResponseRedirect(reverse("admin:articles_source_change", args=[source.pk]))
