"""The dashboard at ``/``: the landing page after sign-in (parts in ``workspace.dashboard``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workspace import dashboard, saved_searches, visits


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The dashboard is where a visit starts now (sign-in lands here): it counts as a view
    # of the list for "new since your last visit" (workspace/visits.py).
    visits.record_list_view(user)
    context = {
        "new": dashboard.new_since_last_visit(user),
        # Counted at most every few minutes per search, not per page view (saved_searches).
        "searches": saved_searches.with_new_counts(user),
        "starred": dashboard.starred(user),
        "annotated": dashboard.recently_annotated(user),
        "entities": dashboard.weeks_entities(user),
        "indicators": dashboard.new_indicators(user),
        "health": dashboard.health(user),
    }
    return render(request, "workspace/dashboard.html", context)
