"""/api/v1/articles/: the list (the list page's filters and search), an article, its tags."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.filtering import ArticleFilterBackend
from api.pagination import ArticleCursorPagination
from api.serializers.articles import ArticleDetailSerializer, ArticleListSerializer, TagLinkSerializer
from articles import tagging
from articles.filters import ArticleFilter
from articles.models import Article, ArticleTag
from articles.query_budget import QueryTooSlow, query_budget


class TooSlow(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "These filters took too long to answer; narrow them (a source, a date range) and try again."
    )
    default_code = "too_slow"


class ArticleList(generics.ListAPIView):
    """Articles the token's user may read, newest first, with the article list's filters.

    ``q`` is the list page's search box (docs/search.md). Every article is listed (not one
    row per story: ``story`` says which story each belongs to).
    """

    serializer_class = ArticleListSerializer
    filter_backends = [ArticleFilterBackend]
    filterset_class = ArticleFilter
    pagination_class = ArticleCursorPagination

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user)

    def list(self, request: Request, *args, **kwargs) -> Response:
        try:
            with query_budget(settings.LIST_QUERY_BUDGET_MS):
                rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()).for_list())
        except QueryTooSlow:
            raise TooSlow() from None
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class ArticleDetail(generics.RetrieveAPIView):
    """One article with its findings and their spans. A hidden article is a 404, like a missing one."""

    serializer_class = ArticleDetailSerializer

    def get_queryset(self):
        return Article.objects.visible_to(self.request.user).with_byline().defer("search_vector")


def readable_article(request: Request, pk: int) -> Article:
    return get_object_or_404(Article.objects.visible_to(request.user), pk=pk)


def _may_tag(request: Request) -> None:
    if not tagging.may_tag(request.user):
        raise PermissionDenied("This account may read but not tag articles.")


class ArticleTags(APIView):
    """The article's tags; POST adds one (read-write token), recorded as the token's user's."""

    @extend_schema(responses=TagLinkSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        article = readable_article(request, pk)
        return Response(_tags(article))

    @extend_schema(
        request=inline_serializer("TagAdd", {"name": serializers.CharField()}),
        responses={200: TagLinkSerializer(many=True), 201: TagLinkSerializer(many=True)},
    )
    def post(self, request: Request, pk: int) -> Response:
        article = readable_article(request, pk)
        _may_tag(request)
        name = request.data.get("name") if isinstance(request.data, dict) else None
        if not isinstance(name, str):
            raise ValidationError({"name": "Give the tag's name as a string."})
        try:
            _, created = tagging.add_tag(article, name, by=request.user, request=request._request)
        except tagging.TagError as problem:
            raise ValidationError({"name": str(problem)}) from None
        return Response(_tags(article), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class ArticleTagDetail(APIView):
    """DELETE takes the tag off the article (read-write token); 404 when it is not on it."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, tag_id: int) -> Response:
        article = readable_article(request, pk)
        _may_tag(request)
        if tagging.remove_tag(article, tag_id, by=request.user, request=request._request) is None:
            return Response({"detail": "That tag is not on this article."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _tags(article: Article):
    links = ArticleTag.objects.filter(article=article).select_related("tag", "added_by").order_by("tag__name")
    return TagLinkSerializer(links, many=True).data
