"""Saved searches: save one from the article list, list them, rename and set the digest,
delete, and open one (which resets what counts as new, then shows the list).

Plain form posts with Django's CSRF token that redirect (303) when they worked and show
the saved-searches page with the form's error when they did not. A search is looked up by
its owner and id together, so another person's search id is a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from workspace import saved_searches
from workspace.forms import safe_next
from workspace.saved_search_forms import EditSearchForm, SaveSearchForm
from workspace.saved_search_models import SavedSearch
from workspace.saved_searches import SavedSearchError

PAGE = "workspace/saved_searches.html"


class SeeOther(HttpResponseRedirect):
    """After a POST: the browser follows with a GET, never re-posting."""

    status_code = 303


def list_url(query: str) -> str:
    """The article list showing ``query`` (a normalized query string)."""
    base = reverse("articles:list")
    return f"{base}?{query}" if query else base


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def save(request: HttpRequest) -> HttpResponse:
    form = SaveSearchForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            search = saved_searches.save_search(request.user, data["name"], data["query"])
        except SavedSearchError as problem:
            form.add_error(problem.field, str(problem))
        else:
            back = safe_next(request, data["next"], list_url(search.query))
            messages.success(
                request,
                f"Saved “{search.name}”. It is listed beside the filters with the number of new "
                "articles since you last opened it.",
            )
            return SeeOther(back or list_url(search.query))
    return _page(request, save_form=form)


@require_POST
def edit(request: HttpRequest, search_id: int) -> HttpResponse:
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    form = EditSearchForm(request.POST, prefix=f"s{search.pk}")
    if form.is_valid():
        try:
            saved_searches.change_search(
                search, request.user, name=form.cleaned_data["name"], digest=form.cleaned_data["digest"]
            )
        except SavedSearchError as problem:
            form.add_error(problem.field, str(problem))
        else:
            messages.success(request, f"Saved the changes to “{search.name}”.")
            return SeeOther(reverse("workspace:searches"))
    return _page(request, edit_forms={search.pk: form})


@require_POST
def delete(request: HttpRequest, search_id: int) -> HttpResponse:
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    saved_searches.delete_search(search, request.user)
    messages.success(request, f"Deleted the saved search “{search.name}”.")
    return SeeOther(reverse("workspace:searches"))


@require_GET
def open_search(request: HttpRequest, search_id: int) -> HttpResponse:
    """Following a saved search's link: what it holds now is no longer "new"."""
    search = get_object_or_404(SavedSearch, pk=search_id, user=request.user)
    saved_searches.record_opened(search, request.user)
    return HttpResponseRedirect(list_url(search.query))


def _page(request: HttpRequest, *, save_form: SaveSearchForm | None = None, edit_forms=None) -> HttpResponse:
    edit_forms = edit_forms or {}
    rows = [
        {
            "search": search,
            "count": count,
            "capped": capped,
            "form": edit_forms.get(search.pk)
            or EditSearchForm(initial={"name": search.name, "digest": search.digest}, prefix=f"s{search.pk}"),
        }
        for search, count, capped in saved_searches.with_new_counts(request.user)
    ]
    context = {
        "rows": rows,
        "save_form": save_form,
        "max_searches": saved_searches.MAX_SAVED_SEARCHES,
        "email": request.user.email,
        "digests_enabled": settings.DIGESTS_ENABLED,
    }
    return render(request, PAGE, context)
