from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from articles.models import Article, Author
from articles.pagination import page_of_visible_or_404


@require_GET
def author_detail(request: HttpRequest, slug: str) -> HttpResponse:
    author = get_object_or_404(Author, slug=slug)
    articles = Article.objects.visible_to(request.user).by_author(author)
    page = page_of_visible_or_404(request, articles, "author")
    return render(request, "articles/author_detail.html", {"author": author, "page": page, "base_query": ""})
