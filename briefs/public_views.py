"""Pages without sign-in: only ``Brief.objects.public()`` (TLP:CLEAR briefs made entirely
of CLEAR articles), and the reader's own feed address page (signed in)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from briefs.assembly_views import SeeOther
from briefs.models import Brief
from briefs.publication_models import FeedToken, new_feed_token


@login_not_required
@require_GET
def public_index(request: HttpRequest) -> HttpResponse:
    briefs = Brief.objects.public().order_by("-published_at")[:100]
    return render(request, "briefs/public_index.html", {"briefs": briefs})


@login_not_required
@require_GET
def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    brief = Brief.objects.public().select_related("snapshot").filter(pk=pk).first()
    if brief is None:
        raise Http404("No such brief")
    context = {"brief": brief, "data": brief.snapshot.data, "snapshot": brief.snapshot, "public": True}
    return render(request, "briefs/brief.html", context)


@require_http_methods(["GET", "POST"])
def feed_page(request: HttpRequest) -> HttpResponse:
    """The reader's secret feed address; POST replaces it (the old one stops working)."""
    row, _ = FeedToken.objects.get_or_create(user=request.user)
    if request.method == "POST":
        row.token = new_feed_token()
        row.save(update_fields=["token", "created_at"])
        return SeeOther(reverse("briefs:feed"))
    url = request.build_absolute_uri(reverse("briefs:reader-feed", args=[row.token]))
    return render(request, "briefs/feed.html", {"feed_url": url})
