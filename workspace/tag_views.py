"""Tags in place: add and remove tags on the article page and on list rows.

Each action is a plain form POST that redirects back (it works without JavaScript); when
htmx sends it (``HX-Request``), the answer is the tag block alone, which htmx swaps in.
The changes themselves are made by ``articles.tagging``; these views only look the
article up through ``visible_to`` (an article the person may not read is a 404) and
render the block.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from articles import tagging
from articles.models import Article, ArticleTag
from workspace.tag_suggestions import suggest

PANEL = "workspace/_tag_panel.html"
ROW_EDITOR = "workspace/_row_tags.html"


def panel_context(request: HttpRequest, article: Article, error: str = "") -> dict:
    links = ArticleTag.objects.filter(article=article).select_related("tag", "added_by").order_by("tag__name")
    return {"article": article, "links": links, "can_tag": tagging.may_tag(request.user), "error": error}


def row_context(request: HttpRequest, article: Article, error: str = "") -> dict:
    tags = [link.tag for link in ArticleTag.objects.filter(article=article).select_related("tag")]
    # Where a plain (htmx-less) post from the row should return: the list the row was on.
    back = request.headers.get("HX-Current-URL") or request.POST.get("next", "")
    return {
        "article": article,
        "tags": sorted(tags, key=lambda t: t.name.lower()),
        "error": error,
        "next": back if _is_safe(request, back) else "",
    }


@require_POST
def add(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    error = ""
    if not tagging.may_tag(request.user):
        error = "Your account may read but not tag articles."
    else:
        try:
            tagging.add_tag(article, request.POST.get("name", ""), by=request.user, request=request)
        except tagging.TagError as problem:
            error = str(problem)
    return _answer(request, article, error)


@require_POST
def remove(request: HttpRequest, pk: int, tag_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    error = ""
    if not tagging.may_tag(request.user):
        error = "Your account may read but not tag articles."
    else:
        tagging.remove_tag(article, tag_id, by=request.user, request=request)
    return _answer(request, article, error)


@require_GET
def row_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """A list row's tag editor, loaded in place by the row's "Edit tags" link."""
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    if not tagging.may_tag(request.user):
        return redirect(article)
    context = row_context(request, article)
    context["open"] = True
    return render(request, ROW_EDITOR, context)


@require_GET
def suggestions(request: HttpRequest) -> HttpResponse:
    """``<option>``s for a tag field's ``<datalist>`` (what was typed: ``name``, or ``tag``
    from the list's bulk form)."""
    found = suggest(request.user, request.GET.get("name") or request.GET.get("tag", ""))
    return render(request, "workspace/_tag_options.html", {"suggestions": found})


def _answer(request: HttpRequest, article: Article, error: str) -> HttpResponse:
    place = request.POST.get("place", "panel")
    if request.headers.get("HX-Request") == "true":
        if place == "row":  # the editor stays open where the person is working
            return render(request, ROW_EDITOR, {**row_context(request, article, error), "open": True})
        return render(request, PANEL, panel_context(request, article, error))
    if error:
        messages.error(request, f"The tags were not changed — {error}")
    target = request.POST.get("next", "")
    # HttpResponseRedirect, not redirect(): redirect() would try a plain word as a view name.
    return HttpResponseRedirect(target) if _is_safe(request, target) else redirect(article)


def _is_safe(request: HttpRequest, url: str) -> bool:
    """``url`` is a path on this site (a forged ``next`` must not send people elsewhere)."""
    on_site = url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure())
    return on_site and (url.startswith("/") or url.startswith(request.build_absolute_uri("/")))
