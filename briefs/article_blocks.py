"""The briefs' block on the article page (``articles.hooks``), for editors and admins only:
the published briefs (readable by them) that cite the article, and a button to add it to
each draft of its week they may work on. Two queries for an editor, none for anyone else."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from articles import hooks
from briefs.composition import week_of
from briefs.models import Brief, Status
from briefs.querysets import may_edit_briefs


def register() -> None:
    hooks.register("article_detail_panels")(detail_panel)


def detail_panel(request: HttpRequest, article) -> SafeString:
    user = request.user
    if not may_edit_briefs(user):
        return SafeString("")
    year, week = week_of(timezone.localtime(article.published_at).date())
    drafts = list(
        Brief.objects.workable_by(user)
        .filter(status=Status.DRAFT, iso_year=year, iso_week=week)
        .exclude(items__article=article)
        .order_by("kind", "pk")[:5]
    )
    cited_in = list(
        Brief.objects.readable_by(user).filter(citations__article=article).order_by("-published_at")[:5]
    )
    return SafeString(
        render_to_string(
            "briefs/_article_panel.html",
            {"article": article, "drafts": drafts, "cited_in": cited_in, "week": f"{year}-W{week:02d}"},
            request=request,
        )
    )
