"""Cursor pages for the API.

Articles page by the list page's own keyset (``articles.pagination``: published date and id
of the boundary row, newest first), with the same ``after``/``before`` parameters, so a query
string copied from the article list works here too. Everything else pages with DRF's cursor
pagination over the id. Either way a cursor holds only values of a row the reader was just
shown, and every page is read again through ``visible_to``.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from articles.pagination import BadCursor, paginate

MAX_PAGE_SIZE = 200


def page_size_of(request, default: int) -> int:
    raw = request.query_params.get("page_size")
    if raw in (None, ""):
        return default
    try:
        size = int(raw)
    except ValueError:
        raise ValidationError({"page_size": f"A whole number from 1 to {MAX_PAGE_SIZE}."}) from None
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": f"A whole number from 1 to {MAX_PAGE_SIZE}."})
    return size


class ArticleCursorPagination(BasePagination):
    """Newest first; ``next`` is older articles, ``previous`` newer ones."""

    def paginate_queryset(self, queryset, request, view=None) -> list:
        self.request = request
        try:
            page = paginate(
                queryset,
                after=request.query_params.get("after"),
                before=request.query_params.get("before"),
                per_page=page_size_of(request, settings.ARTICLES_PER_PAGE),
            )
        except BadCursor:
            raise ValidationError(
                {"cursor": "That page cursor is damaged: start again from the first page."}
            ) from None
        self.page = page
        return page.items

    def _link(self, name: str, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        url = remove_query_param(remove_query_param(url, "after"), "before")
        return replace_query_param(url, name, cursor)

    def get_paginated_response(self, data) -> Response:
        return Response(
            {
                "next": self._link("after", self.page.older_cursor),
                "previous": self._link("before", self.page.newer_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return _page_schema(schema)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            _parameter("after", "string", "Cursor from a page's `next` link: older articles."),
            _parameter("before", "string", "Cursor from a page's `previous` link: newer articles."),
            _parameter("page_size", "integer", f"Articles per page, 1-{MAX_PAGE_SIZE}."),
        ]


class IdCursorPagination(CursorPagination):
    """Newest (highest id) first, for everything but articles."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return page_size_of(request, self.page_size or settings.ARTICLES_PER_PAGE)

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return _page_schema(schema)


def _page_schema(schema: dict) -> dict:
    link = {"type": "string", "format": "uri", "nullable": True}
    return {
        "type": "object",
        "required": ["results"],
        "properties": {"next": link, "previous": link, "results": schema},
    }


def _parameter(name: str, kind: str, description: str) -> dict:
    return {
        "name": name,
        "required": False,
        "in": "query",
        "description": description,
        "schema": {"type": kind},
    }
