"""The dashboard at ``/``: the landing page after sign-in (parts in ``workspace.dashboard``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workspace import dashboard, visits


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The dashboard is where a visit starts now (sign-in lands here): it counts as a view
    # of the list for "new since your last visit" (workspace/visits.py).
    visits.record_list_view(user)
    context = {
        "new": dashboard.new_since_last_visit(user),
        "starred": dashboard.starred(user),
        "annotated": dashboard.recently_annotated(user),
        "entities": dashboard.weeks_entities(user),
        "indicators": dashboard.new_indicators(user),
        "health": dashboard.health(user),
    }
    return render(request, "workspace/dashboard.html", context)
