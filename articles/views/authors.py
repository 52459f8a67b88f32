from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Article, Author
from articles.pagination import BadCursor, paginate


@require_GET
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.visible_to(request.user).by_author(author)
    try:
        page = paginate(
            articles.for_list(),
            after=request.GET.get("after"),
            before=request.GET.get("before"),
            per_page=settings.ARTICLES_PER_PAGE,
        )
    except BadCursor:
        raise Http404("damaged page link") from None
    if not page.items and not articles.exists():
        # An author whose every article is above this user's clearance does not exist for
        # them, whatever page link is asked for.
        raise Http404("no such author")
    return render(request, "articles/author_detail.html", {"author": author, "page": page, "base_query": ""})
