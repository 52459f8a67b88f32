"""Notes (annotations) and saved searches, as their owners and readers see them."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.reverse import reverse

from workspace.annotation_models import MAX_NOTE_LENGTH, Annotation
from workspace.saved_search_models import SavedSearch


class AnnotationSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField(
        help_text="written by the token's user (only they may change it)"
    )

    class Meta:
        model = Annotation
        fields = [
            "id",
            "article",
            "parent",
            "author",
            "mine",
            "shared",
            "body",
            "body_html",
            "quote_exact",
            "quote_prefix",
            "quote_suffix",
            "position_start",
            "position_end",
            "deleted",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_author(self, note: Annotation) -> str:
        return note.author.get_username()

    def get_mine(self, note: Annotation) -> bool:
        request = self.context.get("request")
        return request is not None and note.author_id == request.user.pk


class AnnotationCreateSerializer(serializers.Serializer):
    """A new note on an article (a passage when ``quote`` is given), or a reply (``parent``)."""

    article = serializers.IntegerField(required=False, min_value=1, help_text="the article; not for a reply")
    parent = serializers.IntegerField(required=False, min_value=1, help_text="a shared note to reply to")
    body = serializers.CharField(max_length=MAX_NOTE_LENGTH, trim_whitespace=False, help_text="Markdown")
    shared = serializers.BooleanField(default=False)
    quote = serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False)
    start = serializers.IntegerField(required=False, min_value=0, max_value=10**9, allow_null=True)
    end = serializers.IntegerField(required=False, min_value=0, max_value=10**9, allow_null=True)

    def validate(self, attrs: dict) -> dict:
        if ("article" in attrs) == ("parent" in attrs):
            raise serializers.ValidationError("Give either an article (a new note) or a parent (a reply).")
        return attrs


class AnnotationEditSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=MAX_NOTE_LENGTH, trim_whitespace=False)
    shared = serializers.BooleanField(required=False, help_text="top-level notes only")


class SavedSearchSerializer(serializers.ModelSerializer):
    articles_url = serializers.SerializerMethodField(help_text="the search's articles through the API")

    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "summary", "digest", "created_at", "last_opened_at", "articles_url"]
        read_only_fields = fields

    def get_articles_url(self, search: SavedSearch) -> str:
        return reverse("api:article-list", request=self.context.get("request")) + "?" + search.query


class SavedSearchCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    query = serializers.CharField(
        max_length=4000, help_text="the article list's query string, e.g. q=lockbit&tlp=amber"
    )
