"""Django admin for sources, authors, articles and tags.

The article admin reads through ``visible_to`` like every other view: being
staff does not bypass TLP clearance or RED grants.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from articles import access_changes, overrides
from articles.admin_mixins import HiddenArticlesAdminMixin, seen_or_unused
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
from articles.reenrichment import request_reenrichment


@admin.register(Author)
class AuthorAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Also what the byline inline's autocomplete offers: an author known only from
        # articles this admin cannot read is not theirs to see.
        return seen_or_unused(super().get_queryset(request), ArticleAuthor, "author", request.user)


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


class GrantFormSet(forms.BaseInlineFormSet):
    """Refuses, as a form error, a grant the admin would be giving themselves."""

    granting_admin = None  # set per request by ArticleGrantInline.get_formset

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            user = form.cleaned_data.get("user") if hasattr(form, "cleaned_data") else None
            if user is None or form.cleaned_data.get("DELETE") or "user" not in form.changed_data:
                continue
            try:
                access_changes.check_may_grant(user, by=self.granting_admin)
            except access_changes.SelfGrantError as refused:
                raise ValidationError(str(refused)) from None


class ArticleGrantInline(admin.TabularInline):
    model = ArticleGrant
    formset = GrantFormSet
    fk_name = "article"
    extra = 0
    autocomplete_fields = ("user",)
    readonly_fields = ("granted_by", "granted_at")
    verbose_name = "RED grant"

    def get_formset(self, request: HttpRequest, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"granting_admin": request.user})


@admin.register(Article)
class ArticleAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
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
        if formset.model is ArticleGrant:
            self._save_grants(request, form.instance, formset)
            return
        instances = formset.save(commit=False)
        for instance in instances:
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

    def _save_grants(self, request: HttpRequest, article: Article, formset) -> None:
        """Every grant given, moved or taken back goes through the audited grant service."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for form in formset.forms:
            if not form.has_changed():
                continue
            deleting = form in formset.deleted_forms
            if form.instance.pk is not None and (deleting or "user" in form.changed_data):
                previous = ArticleGrant.objects.select_related("user", "article").get(pk=form.instance.pk)
                access_changes.revoke(previous, by=request.user, request=request)
                formset.deleted_objects.append(previous)
            if not deleting and form.cleaned_data.get("user") is not None:
                given = access_changes.grant(
                    article, form.cleaned_data["user"], by=request.user, request=request
                )
                formset.new_objects.append(given)

    def save_model(self, request, obj, form, change) -> None:
        # Classification edits go through the override service, so they are recorded and
        # survive re-enrichment; a TLP change goes through the audited access service;
        # everything else saves normally.
        corrected = {
            f: form.cleaned_data[f] for f in CLASSIFICATION_FIELDS if change and f in form.changed_data
        }
        for field in corrected:
            setattr(obj, field, form.initial.get(field, getattr(obj, field)))
        relabel = change and "tlp" in form.changed_data
        if relabel:
            obj.tlp = form.initial["tlp"]
        super().save_model(request, obj, form, change)
        if corrected:
            overrides.override_classification(obj, corrected, request.user, request=request)
        if relabel:
            access_changes.change_tlp(obj, form.cleaned_data["tlp"], by=request.user, request=request)

    @admin.action(description="Process the selected articles again")
    def reprocess(self, request: HttpRequest, queryset: QuerySet) -> None:
        queued = request_reenrichment(queryset.values_list("pk", flat=True), request=request)
        self.message_user(request, f"Queued {queued} article(s).")


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "slug")
        help_texts = {"slug": "Leave empty to have one made from the name."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Tag.save() fills an empty slug (unique, with a suffix when taken), so the admin
        # need not invent one; Django then leaves the empty value out of model validation.
        self.fields["slug"].required = False


@admin.register(Tag)
class TagAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
    form = TagForm
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
class WatchEntityAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
    list_display = ("name", "enabled", "created_at")
    list_filter = ("enabled",)
    search_fields = ("name", "aliases")


@admin.register(Entity)
class EntityAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "external_id", "ref")
    list_filter = ("kind", "ref")
    search_fields = ("name", "external_id", "uuid")
    readonly_fields = ("kind", "name", "external_id", "uuid", "ref")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return seen_or_unused(super().get_queryset(request), Mention, "entity", request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Every field is read-only (enrichment finds entities), so "add" could only save
        # a blank row, and a second blank one broke the unique constraint (a 500).
        return False


@admin.register(Indicator)
class IndicatorAdmin(HiddenArticlesAdminMixin, admin.ModelAdmin):
    list_display = ("value", "type", "benign")
    list_filter = ("type",)
    search_fields = ("value",)
    readonly_fields = ("type", "value", "benign")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return seen_or_unused(super().get_queryset(request), Sighting, "indicator", request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Every field is read-only (enrichment finds indicators), so "add" could only save
        # a blank row, and a second blank one broke the unique constraint (a 500).
        return False
