"""The article list and the article page. Both read only through ``visible_to``."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET

from articles import hooks
from articles.filters import ArticleFilter
from articles.models import Article
from articles.pagination import COUNT_CAP, SEARCH_COUNT_CAP, BadCursor, KeysetPage, capped_count, paginate
from articles.query_budget import Budget, QueryTooSlow, query_budget
from articles.sanitize import text_to_html
from articles.search import resolve
from articles.search.forms import SORT_RELEVANCE
from articles.search.ranking import RANK_CANDIDATES, ranked_ids
from articles.search.snippets import attach_snippets
from articles.views.corrections import ClassificationForm, tlp_context
from articles.views.findings import findings_context


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    visible = Article.objects.visible_to(request.user)
    filterset = ArticleFilter(request.GET or None, queryset=visible, user=request.user)
    filtered = filterset.qs if filterset.is_bound else visible
    stories = filtered.one_per_story()
    too_slow = False
    form = filterset.form
    parsed = filterset.parsed_query if filterset.is_bound and form.is_valid() else None
    searching = parsed is not None
    by_relevance = filterset.is_bound and form.is_valid() and form.cleaned_data.get("sort") == SORT_RELEVANCE
    if by_relevance and not (parsed and parsed.has_ranking_text):
        by_relevance = False
        filterset.search_notices.append("Relevance needs words to rank by, so the newest come first.")
    try:
        with query_budget(settings.LIST_QUERY_BUDGET_MS) as budget:
            if by_relevance:
                page, cursor_error = _relevance_page(request, stories, parsed)
            else:
                page, cursor_error = _page(request, stories.for_list())
            if parsed is not None and parsed.has_ranking_text:
                attach_snippets(page.items, parsed)  # one query for the page's rows
            # The count is the block's last query (see Budget.last_queries_within). Filtered,
            # it walks on along the page's own index; not from an indicator, whose articles
            # come from its sightings (newest first, they are far apart).
            in_list_order = filterset.is_bound and not (parsed is not None and parsed.has_indicators)
            count, more, count_stopped = _count(filtered, page, searching, budget, in_list_order)
    except QueryTooSlow:
        too_slow = True
        page, cursor_error = KeysetPage([], None, None), None
        count, more, count_stopped = 0, False, False
    hooks.row_controls(request, page.items)
    context = {
        "filter": filterset,
        "page": page,
        "list_sidebar": hooks.markup("article_list_sidebar", request),
        # The search's notes (what a prefix was read as, the relevance bound) come first.
        "list_toolbar": _search_notes(filterset.search_notes(), by_relevance)
        + hooks.markup("article_list_toolbar", request, page.items),
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
    # The search vector (~5 KB of text a row) is for the list's search, never shown here.
    articles = Article.objects.visible_to(request.user).with_byline().defer("search_vector")
    article = get_object_or_404(articles, pk=pk)
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


def _count(
    filtered, page: KeysetPage, searching: bool, budget: Budget, in_list_order: bool
) -> tuple[int, bool, bool]:
    """(count, capped, stopped) of the articles matching the filters.

    Articles, not story rows: counting one row per story needs the story anti-join for
    every counted row. A page with no neighbours counts its rows' articles. Otherwise the capped
    count gets a small time budget of its own: a common word within a busy source means
    reading a thousand search vectors (~0.6 s at 100k articles), and a count is not worth
    that. When it runs out, the page says there are more than it shows. A search counts
    to a lower cap: each counted match is a search vector read and checked, and "100+"
    tells a reader as much as "500+" (four pages and more: time to narrow the search).
    """
    if page.older_cursor is None and page.newer_cursor is None:
        # Each row is a story's first report and knows how many matching articles it leads.
        return sum(row.story_articles or 1 for row in page.items), False, False
    cap = SEARCH_COUNT_CAP if searching else COUNT_CAP
    counted = budget.last_queries_within(
        settings.LIST_COUNT_BUDGET_MS, lambda: capped_count(filtered, cap=cap, in_list_order=in_list_order)
    )
    if counted is None:
        return len(page.items), True, True
    return *counted, False


def _search_notes(notices: list[str], by_relevance: bool) -> SafeString:
    """What the search box's text was read as, above the rows (escaped)."""
    if by_relevance:
        notices = [*notices, f"Ordered by relevance: the best of the newest {RANK_CANDIDATES} matches."]
    if not notices:
        return SafeString("")
    items = format_html_join("", "<li>{}</li>", ((notice,) for notice in notices))
    return format_html('<ul class="search-notes" aria-label="About this search">{}</ul>', items)


def _relevance_page(request: HttpRequest, stories, parsed) -> tuple[KeysetPage, str | None]:
    """A page of the newest matches ranked best first (articles/search/ranking.py); the
    page links carry an offset within them ("r25") instead of a keyset cursor."""
    per_page = settings.ARTICLES_PER_PAGE
    raw = request.GET.get("after") or request.GET.get("before") or "r0"
    message = None
    offset = int(raw[1:]) if raw[:1] == "r" and raw[1:].isdigit() and len(raw) < 8 else -1
    if not 0 <= offset < RANK_CANDIDATES:
        offset, message = 0, "That page link is damaged, so the best matches are shown instead."
    ids = ranked_ids(stories, parsed)
    page_ids = ids[offset : offset + per_page]
    rows = {row.pk: row for row in stories.for_list().filter(pk__in=page_ids)}
    items = [rows[pk] for pk in page_ids if pk in rows]
    return (
        KeysetPage(
            items,
            older_cursor=f"r{offset + per_page}" if offset + per_page < len(ids) else None,
            newer_cursor=f"r{max(0, offset - per_page)}" if offset > 0 else None,
        ),
        message,
    )


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
        # Named only if this user can read an article that mentions it.
        entities = resolve.known_entities([data["entity"]], filterset.request_user)
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
