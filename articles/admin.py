"""Django admin for sources, authors, articles and tags.

The article admin reads through ``visible_to`` like every other view: being
staff does not bypass TLP clearance or RED grants.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from articles import overrides, processing
from articles.admin_mixins import HiddenArticlesDeletionMixin, seen_or_unused
from articles.admin_sources import SourceAdmin  # noqa: F401  (registers the Source admin)
from articles.models import (
    CLASSIFICATION_FIELDS,
    Article,
    ArticleAuthor,
    ArticleGrant,
    ArticleTag,
    Author,
    ClassificationOverride,
    Entity,
    Indicator,
    Mention,
    Sighting,
    Tag,
    WatchEntity,
)


@admin.register(Author)
class AuthorAdmin(HiddenArticlesDeletionMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class ArticleAuthorInline(admin.TabularInline):
    model = ArticleAuthor
    extra = 0
    autocomplete_fields = ("author",)
    ordering = ("position",)


class ArticleTagInline(admin.TabularInline):
    model = ArticleTag
    extra = 0
    autocomplete_fields = ("tag",)
    readonly_fields = ("added_by", "added_by_enricher", "created_at")


class ArticleGrantInline(admin.TabularInline):
    model = ArticleGrant
    fk_name = "article"
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "granted_at")
    verbose_name = "RED grant"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "source",
        "published_at",
        "tlp",
        "category",
        "intel_level",
        "priority",
        "processing_status",
    )
    list_filter = ("tlp", "category", "intel_level", "priority", "processing_status", "source")
    search_fields = ("title", "teaser", "guid", "url")
    date_hierarchy = "published_at"
    list_select_related = ("source",)
    show_full_result_count = False  # an exact count over a million rows is too slow
    inlines = (ArticleAuthorInline, ArticleTagInline, ArticleGrantInline)
    readonly_fields = (
        # Bodies come sanitized from their source and findings point into them: editing them
        # here would bypass the sanitizer and leave highlights pointing at old offsets.
        "body_html",
        "body_text",
        "story",
        "fingerprint",
        "content_hash",
        "ingested_at",
        "updated_at",
        "word_count",
        "reading_minutes",
        "language",
        "processing_status",
        "processing_error",
        "processing_claimed_at",
        "processed_at",
        "processing_versions",
    )
    actions = ("reprocess",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).visible_to(request.user)

    def save_formset(self, request, form, formset, change) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, ArticleGrant) and instance.granted_by_id is None:
                instance.granted_by = request.user
            if (
                isinstance(instance, ArticleTag)
                and instance.added_by_id is None
                and not instance.added_by_enricher
            ):
                instance.added_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            if isinstance(obj, ArticleTag):
                overrides.remove_tag(obj, request.user)
            else:
                obj.delete()
        formset.save_m2m()

    def save_model(self, request, obj, form, change) -> None:
        # Classification edits go through the override service, so they are recorded and
        # survive re-enrichment; everything else saves normally.
        corrected = {
            f: form.cleaned_data[f] for f in CLASSIFICATION_FIELDS if change and f in form.changed_data
        }
        for field in corrected:
            setattr(obj, field, form.initial.get(field, getattr(obj, field)))
        super().save_model(request, obj, form, change)
        if corrected:
            overrides.override_classification(obj, corrected, request.user)

    @admin.action(description="Process the selected articles again")
    def reprocess(self, request: HttpRequest, queryset: QuerySet) -> None:
        processing.enqueue(queryset.values_list("pk", flat=True))
        self.message_user(request, f"Queued {queryset.count()} article(s).")


@admin.register(Tag)
class TagAdmin(HiddenArticlesDeletionMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Tags in use only on articles this admin cannot read stay hidden (a machine tag
        # such as misp-galaxy:threat-actor="X" would tell what a RED report is about).
        return seen_or_unused(super().get_queryset(request), ArticleTag, "tag", request.user)


class ClassificationOverrideInline(admin.TabularInline):
    model = ClassificationOverride
    extra = 0
    can_delete = False
    readonly_fields = ("field", "old_value", "new_value", "user", "created_at")
    verbose_name = "classification correction"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


ArticleAdmin.inlines = (*ArticleAdmin.inlines, ClassificationOverrideInline)


@admin.register(WatchEntity)
class WatchEntityAdmin(admin.ModelAdmin):
    list_display = ("name", "enabled", "created_at")
    list_filter = ("enabled",)
    search_fields = ("name", "aliases")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "external_id", "ref")
    list_filter = ("kind", "ref")
    search_fields = ("name", "external_id", "uuid")
    readonly_fields = ("kind", "name", "external_id", "uuid", "ref")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return seen_or_unused(super().get_queryset(request), Mention, "entity", request.user)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("value", "type", "benign")
    list_filter = ("type",)
    search_fields = ("value",)
    readonly_fields = ("type", "value", "benign")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return seen_or_unused(super().get_queryset(request), Sighting, "indicator", request.user)
