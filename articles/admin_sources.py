"""The Source admin: what admins use to add, tune and watch feeds.

Health columns come from one annotated query (no query per row); counts are of
articles the admin may read. "Poll now", as a list action or as the button on a
source's page, goes through :func:`articles.polling.request_poll` (queued for the
workers, audited), as on the health page. Saving, switching on or off and deleting
are audited through :mod:`articles.source_changes`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import pluralize, truncatechars
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from articles.admin_mixins import HiddenArticlesAdminMixin
from articles.forms import SourceForm
from articles.models import Article, Source
from articles.models.sources import RECENT_DAYS
from articles.polling import attach_visible_results, request_poll, request_polls
from articles.source_changes import record_deleted, record_saved, set_enabled, snapshot

LAST_ERROR_COLUMN_CHARS = 80
# The same words whether the source is in use by the rule below or holds articles this
# admin cannot read: the delete page must not tell the two apart.
KEEP_INSTEAD_OF_DELETE = (
    "“{name}” is kept: a source that has been polled, that has nothing to poll "
    "(manual, folder-less) or that holds articles stays, so its articles keep their "
    "provenance. Disable it instead."
)


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
class SourceAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
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
        return super().get_queryset(request).with_pollable().with_recent_item_counts(request.user)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Source | None:
        source = super().get_object(request, object_id, from_field)
        if source is not None:
            attach_visible_results([source], request.user)
        return source

    def save_model(self, request: HttpRequest, obj: Source, form: SourceForm, change: bool) -> None:
        before = snapshot(Source.objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        record_saved(obj, before=before, request=request)
        if warning := form.address_warning():
            self.message_user(
                request, f"The first poll will fail as things stand. {warning}", messages.WARNING
            )

    def delete_model(self, request: HttpRequest, obj: Source) -> None:
        record_deleted(obj, request=request)
        super().delete_model(request, obj)

    @transaction.atomic  # no "deleted" events for a deletion that did not happen
    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        for source in queryset:
            record_deleted(source, request=request)
        super().delete_queryset(request, queryset)

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Only sources unused by a rule that does not depend on hidden articles may go.

        A source's articles protect it from deletion; saying so when the admin cannot
        read them would reveal that they exist. So sources that were ever polled, or
        that cannot be polled (where hand-entered and loaded articles live), are kept
        whatever their articles, and a source refused only because of articles gets
        the same words.
        """
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        sources = list(objs)
        readable = set(
            Article.objects.visible_to(request.user)
            .filter(source__in=sources)
            .values_list("source", flat=True)
        )
        kept = [
            source
            for source in sources
            if protected or source.last_polled_at is not None or not source.can_poll or source.pk in readable
        ]
        if kept:
            protected = [KEEP_INSTEAD_OF_DELETE.format(name=source.name) for source in kept]
        return deleted, counts, perms_needed, protected

    @admin.display(description="last success", ordering="last_success_at")
    def last_success(self, source: Source) -> str:
        return _relative_time(source.last_success_at, empty="never")

    @admin.display(description="failures", ordering="consecutive_failures")
    def failures(self, source: Source) -> int:
        return source.consecutive_failures

    @admin.display(description="next poll", ordering="next_poll_at")
    def next_poll(self, source: Source) -> str:
        if not source.is_scheduled:
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
        """Counts of articles this admin may read (``visible_result``, set by ``get_object``)."""
        result = getattr(source, "visible_result", None) or {}
        if not result.get("status"):
            return "not polled yet"
        counts = ", ".join(
            f"{result.get(name, 0)} {name}" for name in ("new", "updated", "unchanged", "filtered", "skipped")
        )
        warnings = result.get("warnings") or []
        summary = f"{result.get('status', '?')} — {counts}"
        return f"{summary}; warnings: {' | '.join(warnings)}" if warnings else summary

    @admin.action(description="Poll now (queued for the workers)", permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        outcomes = request_polls(queryset, request=request)
        for refused in (outcome for outcome in outcomes if not outcome.queued):
            self.message_user(request, refused.message, messages.WARNING)
        names = [outcome.source.name for outcome in outcomes if outcome.queued]
        if not names:
            return
        shown = ", ".join(names[:10]) + (" …" if len(names) > 10 else "")
        self.message_user(
            request,
            f"Queued a poll of {len(names)} source{pluralize(len(names))} ({shown}); "
            "the results appear in the health columns once the workers are done.",
            messages.SUCCESS,
        )

    @admin.action(description="Enable selected sources", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        changed = set_enabled(queryset, True, request=request)
        self.message_user(request, f"Enabled {changed} source{pluralize(changed)}.", messages.SUCCESS)

    @admin.action(description="Disable selected sources", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[Source]) -> None:
        changed = set_enabled(queryset, False, request=request)
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
        context["can_poll"] = obj is not None and obj.can_poll and self.has_change_permission(request, obj)
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
        """The change page's "Poll now" button: the same queued, audited poll as everywhere."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, source):
            raise PermissionDenied
        outcome = request_poll(source, request=request)
        self.message_user(request, outcome.message, messages.SUCCESS if outcome.queued else messages.WARNING)
        return HttpResponseRedirect(reverse("admin:articles_source_change", args=[source.pk]))
