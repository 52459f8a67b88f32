"""The story page: one event as every visible source reported it, first report first."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from articles.models import Article


@require_GET
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of one story the reader may see, as a timeline (first report first)."""
    versions = list(
        Article.objects.visible_to(request.user)
        .filter(story_id=pk)
        .select_related("source")
        .order_by("published_at", "id")[:200]
    )
    if not versions:
        raise Http404("no such story")
    sources = {a.source_id for a in versions}
    return render(
        request,
        "articles/story_detail.html",
        {"versions": versions, "lead": versions[0], "source_count": len(sources)},
    )
