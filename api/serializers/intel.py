"""Entities, indicators and stories: each only as seen through the articles a reader may read."""

from __future__ import annotations

from urllib.parse import urlencode

from rest_framework import serializers
from rest_framework.reverse import reverse

from api.serializers.articles import ArticleListSerializer
from articles.models import Entity, Indicator


def _articles_url(context: dict, **query) -> str:
    return reverse("api:article-list", request=context.get("request")) + "?" + urlencode(query)


class EntitySerializer(serializers.ModelSerializer):
    articles_url = serializers.SerializerMethodField(help_text="the articles you may read that mention it")

    class Meta:
        model = Entity
        fields = ["id", "kind", "name", "external_id", "uuid", "articles_url"]

    def get_articles_url(self, entity: Entity) -> str:
        return _articles_url(self.context, entity=entity.pk)


class IndicatorSerializer(serializers.ModelSerializer):
    """Dates and counts are over the articles the reader may read, and no others."""

    first_seen = serializers.DateTimeField(
        read_only=True, help_text="earliest publication of a readable article with it"
    )
    last_seen = serializers.DateTimeField(read_only=True)
    sightings = serializers.IntegerField(
        source="sighting_count", read_only=True, help_text="its spans in readable articles"
    )
    articles = serializers.IntegerField(
        source="article_count", read_only=True, help_text="readable articles with it"
    )
    derived = serializers.BooleanField(
        read_only=True, help_text="only ever taken from a URL or e-mail address, never written alone"
    )
    articles_url = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "type",
            "value",
            "benign",
            "derived",
            "first_seen",
            "last_seen",
            "sightings",
            "articles",
            "articles_url",
        ]

    def get_articles_url(self, indicator: Indicator) -> str:
        return _articles_url(self.context, q=f'ioc:"{indicator.value}"')


class StorySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField(help_text="the first readable report's title")
    first_published = serializers.DateTimeField()
    last_published = serializers.DateTimeField()
    articles = serializers.IntegerField(help_text="readable reports in the story")
    sources = serializers.IntegerField(help_text="independent sources among them")
    api_url = serializers.SerializerMethodField()

    def get_api_url(self, story: dict) -> str:
        return reverse("api:story-detail", kwargs={"pk": story["id"]}, request=self.context.get("request"))


class StoryDetailSerializer(StorySerializer):
    reports = ArticleListSerializer(many=True, help_text="readable reports, first report first")
