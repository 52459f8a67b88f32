"""The assembly page's candidates: the week's articles an editor may read, ranked.

Ranked by what people already did with them, then by what enrichment and the feeds say:
starred or noted by analysts (counts only, never who), tagged for the brief
(``BRIEF_CANDIDATE_TAG``), priority, how many sources report the story, newest. One row
per story (its first report, with the number of reports and sources the editor may read);
a story already cited by another published brief the editor may read, or already in this
one, is marked.
Bounded: ``CANDIDATE_LIMIT`` rows from the ISO week's articles.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from articles.models import Article, ArticleTag
from briefs.composition import week_bounds
from briefs.models import Brief, BriefItem
from briefs.publication_models import PublishedCitation
from workspace.models import Annotation, ReadingState

CANDIDATE_LIMIT = 60
PRIORITY_RANK = Case(
    When(priority="critical", then=Value(4)),
    When(priority="high", then=Value(3)),
    When(priority="medium", then=Value(2)),
    When(priority="low", then=Value(1)),
    default=Value(0),
    output_field=IntegerField(),
)


def _count(queryset) -> Coalesce:
    counted = queryset.order_by().values("article").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def candidates(brief: Brief, user, limit: int = CANDIDATE_LIMIT) -> list[Article]:
    start, end = week_bounds(brief.iso_year, brief.iso_week)
    week = Article.objects.visible_to(user).filter(published_at__gte=start, published_at__lt=end)
    stars = _count(ReadingState.objects.filter(article=OuterRef("pk"), starred_at__isnull=False))
    notes = _count(Annotation.objects.filter(article=OuterRef("pk"), deleted=False, parent__isnull=True))
    tagged = Exists(
        ArticleTag.objects.filter(article=OuterRef("pk"), tag__name__iexact=settings.BRIEF_CANDIDATE_TAG)
    )
    same_story = Q(article__story_id=OuterRef("story_id")) & Q(article__story_id__isnull=False)
    # Only briefs the editor may read: that a story was cited in a brief above their
    # clearance is itself something they may not learn.
    readable_briefs = Brief.objects.readable_by(user).exclude(pk=brief.pk).values("pk")
    briefed_elsewhere = Exists(
        PublishedCitation.objects.filter(same_story | Q(article_id=OuterRef("pk"))).filter(
            brief__in=readable_briefs
        )
    )
    in_this_brief = Exists(
        BriefItem.objects.filter(Q(brief=brief) & (same_story | Q(article_id=OuterRef("pk"))))
    )
    # Two steps, so each count is made once per row: rank the week's stories on a few
    # numbers (the ordering expressions would repeat every subquery in SQL), then read the
    # page's rows in full.
    ranked = week.one_per_story().annotate(
        stars=stars, notes=notes, tagged=tagged, priority_rank=PRIORITY_RANK
    )
    keys = ranked.values_list(
        "pk", "stars", "notes", "tagged", "priority_rank", "story_sources", "published_at"
    )
    top = sorted(keys, key=_rank, reverse=True)[:limit]
    order = {row[0]: position for position, row in enumerate(top)}
    rows = (
        week.one_per_story()
        .filter(pk__in=list(order))
        .select_related("source")
        .defer("body_html", "body_text", "search_vector")
        .annotate(
            stars=stars,
            notes=notes,
            tagged=tagged,
            briefed_elsewhere=briefed_elsewhere,
            in_this_brief=in_this_brief,
        )
    )
    return sorted(rows, key=lambda article: order[article.pk])


def _rank(row: tuple) -> tuple:
    """Worked on by people first (starred, noted or tagged for the brief), then tagged, the
    attention it got, priority, corroboration (several sources), newest; ties by id."""
    pk, stars, notes, tagged, priority, sources, published_at = row
    attention = stars + notes
    return (attention > 0 or tagged, tagged, attention, priority, (sources or 1) > 1, published_at, pk)
