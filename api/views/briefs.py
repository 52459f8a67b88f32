"""/api/v1/briefs/: published briefs the token's user may read now (``Brief.objects.readable_by``)."""

from __future__ import annotations

from rest_framework import generics

from api.pagination import IdCursorPagination
from api.serializers.briefs import BriefDetailSerializer, BriefSerializer
from briefs.models import Brief


class BriefList(generics.ListAPIView):
    """Published briefs you may read, newest first; a brief citing an article you may not read is left out."""

    serializer_class = BriefSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return Brief.objects.readable_by(self.request.user)


class BriefDetail(generics.RetrieveAPIView):
    serializer_class = BriefDetailSerializer

    def get_queryset(self):
        return Brief.objects.readable_by(self.request.user).select_related("snapshot")
