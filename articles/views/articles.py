"""The article list and the article page. Both read only through ``visible_to``."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles import hooks
from articles.filters import ArticleFilter
from articles.models import Article, Entity
from articles.pagination import COUNT_CAP, SEARCH_COUNT_CAP, BadCursor, KeysetPage, capped_count, paginate
from articles.query_budget import QueryTooSlow, query_budget
from articles.sanitize import text_to_html
from articles.views.corrections import ClassificationForm, tlp_context
from articles.views.findings import findings_context


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    visible = Article.objects.visible_to(request.user)
    filterset = ArticleFilter(request.GET or None, queryset=visible, user=request.user)
    filtered = filterset.qs if filterset.is_bound else visible
    stories = filtered.one_per_story()
    too_slow = False
    try:
        with query_budget(settings.LIST_QUERY_BUDGET_MS):
            page, cursor_error = _page(request, stories.for_list())
    except QueryTooSlow:
        too_slow = True
        page, cursor_error = KeysetPage([], None, None), None
    form = filterset.form
    searching = filterset.is_bound and form.is_valid() and bool(form.cleaned_data.get("q"))
    count, more, count_stopped = _count(filtered, page, searching) if not too_slow else (0, False, False)
    hooks.row_controls(request, page.items)
    context = {
        "filter": filterset,
        "page": page,
        "list_sidebar": hooks.markup("article_list_sidebar", request),
        "list_toolbar": hooks.markup("article_list_toolbar", request, page.items),
        "count": count,
        "count_is_capped": more,
        "count_stopped": count_stopped,
        "cursor_error": cursor_error,
        "too_slow": too_slow,
        "active_filters": active_filters(filterset),
        "base_query": _without(request.GET, "after", "before"),
    }
    # 503: the request was fine but could not be answered in time; monitoring should see it.
    return render(request, "articles/article_list.html", context, status=503 if too_slow else 200)


@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user).with_byline(), pk=pk)
    context = {
        "article": article,
        "can_reenrich": request.user.has_perm("articles.reenrich_article"),
        "classification_form": ClassificationForm(
            initial={
                "category": article.category,
                "intel_level": article.intel_level,
                "priority": article.priority,
            }
        ),
        "corrections": article.overrides.select_related("user")[:10],
        # Seed bodies are their plain text in <p>s; only richer feed HTML is worth a second view.
        "show_original": bool(article.body_html) and article.body_html != text_to_html(article.body_text),
        **findings_context(article),
        **tlp_context(article, request.user),
        "detail_panels": hooks.markup("article_detail_panels", request, article),
    }
    return render(request, "articles/article_detail.html", context)


def _count(filtered, page: KeysetPage, searching: bool) -> tuple[int, bool, bool]:
    """(count, capped, stopped) of the articles matching the filters.

    Articles, not story rows: counting one row per story needs the story anti-join for
    every counted row. A page with no neighbours counts its rows' articles. Otherwise the capped
    count gets a small time budget of its own: a common word within a busy source means
    reading a thousand search vectors (~0.6 s at 100k articles), and a count is not worth
    that. When it runs out, the page says there are more than it shows. A search counts
    to a lower cap: each counted match is a search vector read and checked, and "200+"
    tells a reader as much as "1000+".
    """
    if page.older_cursor is None and page.newer_cursor is None:
        # Each row is a story's first report and knows how many matching articles it leads.
        return sum(row.story_articles or 1 for row in page.items), False, False
    try:
        with query_budget(settings.LIST_COUNT_BUDGET_MS):
            count, more = capped_count(filtered, cap=SEARCH_COUNT_CAP if searching else COUNT_CAP)
    except QueryTooSlow:
        return len(page.items), True, True
    return count, more, False


def _page(request: HttpRequest, queryset):
    try:
        return (
            paginate(
                queryset,
                after=request.GET.get("after"),
                before=request.GET.get("before"),
                per_page=settings.ARTICLES_PER_PAGE,
            ),
            None,
        )
    except BadCursor:
        message = "That page link is damaged, so the newest articles are shown instead."
        return paginate(queryset, after=None, before=None, per_page=settings.ARTICLES_PER_PAGE), message


def _without(query: QueryDict, *names: str, value: str | None = None) -> str:
    """The query string minus ``names`` (or minus one ``value`` of a multi-valued name)."""
    copy = query.copy()
    for name in names:
        if value is None:
            copy.pop(name, None)
        else:
            copy.setlist(name, [v for v in copy.getlist(name) if v != value])
    return copy.urlencode()


def active_filters(filterset: ArticleFilter) -> list[dict[str, str]]:
    """Each applied filter as a chip with a link that removes it."""
    if not filterset.is_bound or not filterset.form.is_valid():
        return []
    chips = []
    data = filterset.form.cleaned_data
    entity_names = {}
    if data.get("entity") is not None:
        # Name the entity only if this user can read an article that mentions it.
        readable = Article.objects.visible_to(filterset.request_user).filter(
            article_entities__entity=OuterRef("pk")
        )
        entities = Entity.objects.filter(pk=data["entity"]).filter(Exists(readable))  # int, bounded
        entity_names = dict(entities.values_list("pk", "name"))
    query = filterset.data
    for name, field in filterset.form.fields.items():
        value = data.get(name)
        if value in (None, "", [], ()):
            continue
        label = field.label or name.replace("_", " ").capitalize()
        if isinstance(value, list):
            choices = dict(field.choices)
            for item in value:
                chips.append(
                    {
                        "label": label,
                        "value": str(choices.get(item, item)),
                        "remove": _without(query, name, value=item),
                    }
                )
        else:
            shown = str(dict(getattr(field, "choices", ())).get(value, value))
            if name == "entity":
                shown = entity_names.get(int(value), str(value))
            chips.append({"label": label, "value": shown, "remove": _without(query, name)})
    return chips
