"""Published briefs, as their readers get them: the snapshot frozen at publication."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from briefs.models import Brief


class BriefSerializer(serializers.ModelSerializer):
    api_url = serializers.SerializerMethodField()
    portal_url = serializers.SerializerMethodField()
    week = serializers.CharField(source="week_label")

    class Meta:
        model = Brief
        fields = ["id", "api_url", "portal_url", "kind", "title", "week", "revision", "tlp", "published_at"]

    def get_api_url(self, brief: Brief) -> str:
        return reverse("api:brief-detail", kwargs={"pk": brief.pk}, request=self.context.get("request"))

    def get_portal_url(self, brief: Brief) -> str:
        return reverse("briefs:detail", kwargs={"pk": brief.pk}, request=self.context.get("request"))


class BriefDetailSerializer(BriefSerializer):
    content = serializers.SerializerMethodField(
        help_text="everything the brief's page shows, as frozen at publication (sections, items, sources)"
    )
    markdown = serializers.CharField(source="snapshot.markdown")

    class Meta(BriefSerializer.Meta):
        fields = [*BriefSerializer.Meta.fields, "content", "markdown"]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_content(self, brief: Brief) -> dict:
        return brief.snapshot.data
