"""Articles as the API shows them: a list row, and the full article with its findings."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from articles.models import Article, ArticleTag, Source


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "name", "reliability"]


class ArticleListSerializer(serializers.ModelSerializer):
    """A row: what the article list shows, read from ``for_list()`` in constant queries."""

    api_url = serializers.SerializerMethodField()
    portal_url = serializers.SerializerMethodField()
    source = SourceSerializer()
    authors = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = [
            "id",
            "api_url",
            "portal_url",
            "url",
            "title",
            "teaser",
            "published_at",
            "source",
            "authors",
            "tags",
            "tlp",
            "category",
            "intel_level",
            "priority",
            "story",
        ]

    def get_api_url(self, article: Article) -> str:
        return reverse("api:article-detail", kwargs={"pk": article.pk}, request=self.context.get("request"))

    def get_portal_url(self, article: Article) -> str:
        request = self.context.get("request")
        path = article.get_absolute_url()
        return request.build_absolute_uri(path) if request is not None else path

    def get_authors(self, article: Article) -> list[str]:
        return [author.name for author in article.ordered_authors]

    def get_tags(self, article: Article) -> list[str]:
        return [tag.name for tag in article.tags_sorted]


class SpanSerializer(serializers.Serializer):
    section = serializers.CharField(help_text="title, teaser, executive_summary, summary or body")
    start = serializers.IntegerField(help_text="offset into that section's text")
    end = serializers.IntegerField()
    matched = serializers.CharField(help_text="the text as written there")


class SightingSpanSerializer(SpanSerializer):
    defanged = serializers.BooleanField()
    derived_from = serializers.CharField(
        help_text="the URL or e-mail address this host was taken from, or ''"
    )


class IndicatorFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    value = serializers.CharField(help_text="refanged and normalized")
    benign = serializers.CharField(help_text="the warning list naming it known-benign, or ''")
    derived = serializers.BooleanField(
        help_text="only ever taken from a URL or e-mail address in this article"
    )
    spans = SightingSpanSerializer(many=True)


class MentionSpanSerializer(SpanSerializer):
    cves = serializers.ListField(child=serializers.CharField())


class EntityFindingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    external_id = serializers.CharField()
    spans = MentionSpanSerializer(many=True)


class FindingsSerializer(serializers.Serializer):
    indicators = IndicatorFindingSerializer(many=True)
    entities = EntityFindingSerializer(many=True)


class TagLinkSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="tag_id")
    name = serializers.CharField(source="tag.name")
    added_by = serializers.SerializerMethodField(
        help_text="username of the person who added it, if a person did"
    )
    added_by_enricher = serializers.CharField()

    class Meta:
        model = ArticleTag
        fields = ["id", "name", "added_by", "added_by_enricher", "created_at"]

    def get_added_by(self, link: ArticleTag) -> str | None:
        return link.added_by.get_username() if link.added_by_id else None


class ArticleDetailSerializer(ArticleListSerializer):
    tags = serializers.SerializerMethodField()
    findings = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [
            *ArticleListSerializer.Meta.fields,
            "executive_summary",
            "summary",
            "body_text",
            "assessment",
            "language",
            "word_count",
            "updated_at",
        ]
        fields.insert(fields.index("tags") + 1, "findings")

    @extend_schema_field(TagLinkSerializer(many=True))
    def get_tags(self, article: Article) -> list[dict]:
        links = (
            ArticleTag.objects.filter(article=article).select_related("tag", "added_by").order_by("tag__name")
        )
        return TagLinkSerializer(links, many=True).data

    @extend_schema_field(FindingsSerializer)
    def get_findings(self, article: Article) -> dict:
        from api.findings import findings_of

        return findings_of(article)
