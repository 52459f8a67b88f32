"""The article list page's filters and ``q`` search (``articles.filters.ArticleFilter``) for the API.

The filter set is the page's own, built for the token's user: its source and TLP choices
are what that user may read, so a hidden source's id is refused exactly like a missing one.
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


class ArticleFilterBackend(DjangoFilterBackend):
    def get_filterset_kwargs(self, request, queryset, view) -> dict:
        return {"data": request.query_params, "queryset": queryset, "user": request.user}
