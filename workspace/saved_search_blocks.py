"""The saved searches beside the article list's filters (``article_list_sidebar`` hook):
each with its new matches since it was last opened, and a form that saves the list's
current search and filters under a name.

The counts come from ``saved_searches.with_new_counts``: stored counts, recounted at most
once per ``SAVED_SEARCH_COUNT_MINUTES`` (one query per page view when none is due).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from articles import hooks
from workspace import saved_searches
from workspace.saved_search_forms import SaveSearchForm


def register() -> None:
    hooks.register("article_list_sidebar")(sidebar)


def sidebar(request: HttpRequest) -> SafeString:
    if not request.user.is_authenticated:
        return SafeString("")
    searches = saved_searches.with_new_counts(request.user)
    query = saved_searches.normalize_query(request.GET)
    offer = saved_searches.has_filters(query)
    saved_as = next((search for search, _, _ in searches if search.query == query), None) if offer else None
    form = None
    if offer and saved_as is None:
        form = SaveSearchForm(
            initial={"query": query, "next": request.get_full_path()}, auto_id="save-search-%s"
        )
    return SafeString(
        render_to_string(
            "workspace/_saved_searches.html",
            {"searches": searches, "form": form, "saved_as": saved_as},
            request=request,
        )
    )
