"""/api/v1/annotations/ and /api/v1/saved-searches/: the analyst's own work, through
``workspace``'s own rules (``workspace.annotations``, ``workspace.saved_searches``).

Notes: your own and those shared on articles you may read; only the author changes one.
A note on a hidden article is a 404 like a missing one. Saved searches: your own only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from api.pagination import IdCursorPagination
from api.serializers.workspace import (
    AnnotationCreateSerializer,
    AnnotationEditSerializer,
    AnnotationSerializer,
    SavedSearchCreateSerializer,
    SavedSearchSerializer,
)
from articles.models import Article
from workspace import annotations, saved_searches
from workspace.saved_search_models import SavedSearch

NO_SUCH_ARTICLE = "No article with that id."


def _article_id(request: Request) -> int | None:
    raw = request.query_params.get("article", "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValidationError({"article": "An article id."})
    return int(raw)


@extend_schema(
    parameters=[
        OpenApiParameter("article", int, description="notes on this article"),
        OpenApiParameter("mine", bool, description="true: only your own notes"),
    ]
)
class AnnotationList(generics.ListCreateAPIView):
    """GET: notes you may read. POST (read-write token): a new note, or a reply with ``parent``."""

    serializer_class = AnnotationSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        notes = annotations.visible_annotations(self.request.user).select_related("author")
        if (article := _article_id(self.request)) is not None:
            notes = notes.filter(article_id=article)
        if self.request.query_params.get("mine", "").lower() in ("true", "1", "yes"):
            notes = notes.filter(author=self.request.user)
        return notes

    @extend_schema(request=AnnotationCreateSerializer, responses={201: AnnotationSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        given = AnnotationCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            if "parent" in data:
                parent = annotations.visible_annotations(request.user).filter(pk=data["parent"]).first()
                if parent is None:
                    raise ValidationError({"parent": "No note with that id."})
                note = annotations.reply(parent, request.user, data["body"])
            else:
                article = Article.objects.visible_to(request.user).filter(pk=data["article"]).first()
                if article is None:
                    raise ValidationError({"article": NO_SUCH_ARTICLE})
                note = annotations.create_note(
                    article,
                    request.user,
                    data["body"],
                    shared=data["shared"],
                    quote=data["quote"],
                    start=data.get("start"),
                    end=data.get("end"),
                )
        except annotations.NoteError as problem:
            raise ValidationError({"body": str(problem)}) from None
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from None
        note = annotations.visible_annotations(request.user).select_related("author").get(pk=note.pk)
        return Response(self.get_serializer(note).data, status=status.HTTP_201_CREATED)


class AnnotationDetail(generics.RetrieveAPIView):
    """GET a note; PATCH/PUT (body, shared) and DELETE your own (read-write token)."""

    serializer_class = AnnotationSerializer

    def get_queryset(self):
        return annotations.visible_annotations(self.request.user).select_related("author")

    @extend_schema(request=AnnotationEditSerializer, responses=AnnotationSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        note = self.get_object()
        given = AnnotationEditSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        body = given.validated_data.get("body", note.body)
        shared = None if note.parent_id else given.validated_data.get("shared")
        try:
            annotations.edit_note(note, request.user, body, shared=shared)
        except annotations.NoteError as problem:
            raise ValidationError({"body": str(problem)}) from None
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from None
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=AnnotationEditSerializer, responses=AnnotationSerializer)
    def put(self, request: Request, pk: int) -> Response:
        return self.patch(request, pk)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        note = self.get_object()
        try:
            annotations.delete_note(note, request.user)
        except DjangoPermissionDenied as refused:
            raise PermissionDenied(str(refused)) from None
        return Response(status=status.HTTP_204_NO_CONTENT)


class SavedSearchList(generics.ListCreateAPIView):
    """GET: your saved searches. POST (read-write token): save one (a name, the list's query string)."""

    serializer_class = SavedSearchSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.request.user)

    @extend_schema(request=SavedSearchCreateSerializer, responses={201: SavedSearchSerializer})
    def post(self, request: Request, *args, **kwargs) -> Response:
        given = SavedSearchCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            search = saved_searches.save_search(
                request.user, given.validated_data["name"], given.validated_data["query"]
            )
        except saved_searches.SavedSearchError as problem:
            raise ValidationError({problem.field: str(problem)}) from None
        return Response(self.get_serializer(search).data, status=status.HTTP_201_CREATED)


class SavedSearchDetail(generics.RetrieveDestroyAPIView):
    """GET one of your saved searches; DELETE it (read-write token)."""

    serializer_class = SavedSearchSerializer

    def get_queryset(self):
        return SavedSearch.objects.filter(user=self.request.user)

    def perform_destroy(self, instance: SavedSearch) -> None:
        saved_searches.delete_search(instance, self.request.user)
