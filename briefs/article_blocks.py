"""The briefs' block on the article page (``articles.hooks``), for editors and admins only:
the published briefs (readable by them) that cite the article, and a button to add it to
each draft of its week they may work on. None for anyone else.

For an editor, one plain query first finds the briefs that could appear: the drafts of the
article's week and the published briefs citing it. Most articles have none (a brief cites a
few dozen of a week's articles, and only the current weeks have drafts), and then the panel
is done; the visibility-checked queries, each an ``Exists`` over ``visible_to`` that costs
more to build and compile than to run, are only for the briefs found."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from articles import hooks
from briefs.composition import week_of
from briefs.models import Brief, Status
from briefs.publication_models import PublishedCitation
from briefs.querysets import may_edit_briefs


def register() -> None:
    hooks.register("article_detail_panels")(detail_panel)


def detail_panel(request: HttpRequest, article) -> SafeString:
    user = request.user
    if not may_edit_briefs(user):
        return SafeString("")
    year, week = week_of(timezone.localtime(article.published_at).date())
    draft_ids, cited_ids = _candidates(article, year, week)
    drafts = (
        list(
            Brief.objects.workable_by(user)
            .filter(pk__in=draft_ids)
            .exclude(items__article=article)
            .order_by("kind", "pk")[:5]
        )
        if draft_ids
        else []
    )
    cited_in = (
        list(Brief.objects.readable_by(user).filter(pk__in=cited_ids).order_by("-published_at")[:5])
        if cited_ids
        else []
    )
    return SafeString(
        render_to_string(
            "briefs/_article_panel.html",
            {"article": article, "drafts": drafts, "cited_in": cited_in, "week": f"{year}-W{week:02d}"},
            request=request,
        )
    )


def _candidates(article, year: int, week: int) -> tuple[list[int], list[int]]:
    """(drafts of the week, published briefs citing ``article``), unchecked for the reader:
    the queries above check them."""
    cites = PublishedCitation.objects.filter(brief=OuterRef("pk"), article=article)
    rows = Brief.objects.filter(
        Q(status=Status.DRAFT, iso_year=year, iso_week=week) | Q(Exists(cites), status=Status.PUBLISHED)
    ).values_list("pk", "status")
    drafts, cited = [], []
    for pk, status in rows:
        (drafts if status == Status.DRAFT else cited).append(pk)
    return drafts, cited
