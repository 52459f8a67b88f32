"""Triage endpoints (POST, plain forms that redirect back; htmx gets the swapped control)
and two lists: what is new since the last visit, and the starred articles."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_GET, require_POST

from articles import hooks, tagging
from articles.models import Article
from articles.pagination import BadCursor, KeysetPage, decode_cursor, encode_cursor, requested_page_or_404
from workspace import actions, visits
from workspace.forms import BulkForm, PageReadForm, ToggleForm, safe_next
from workspace.models import ListVisit, ReadingState
from workspace.triage_blocks import FormContext, read_form, star_form


class SeeOther(HttpResponseRedirect):
    """After a POST: the browser follows with a GET, never re-posting."""

    status_code = 303


BULK_ACTIONS = {
    "read": (actions.mark_read, lambda n: f"Marked {_articles(n)} read."),
    "unread": (actions.mark_unread, lambda n: f"Marked {_articles(n)} unread."),
    "star": (actions.star, lambda n: f"Starred {_articles(n)}."),
    "unstar": (actions.unstar, lambda n: f"Unstarred {_articles(n)}."),
}


@require_POST
def toggle_star(request: HttpRequest) -> HttpResponse:
    return _toggle(request, actions.star, actions.unstar, star_form)


@require_POST
def toggle_read(request: HttpRequest) -> HttpResponse:
    return _toggle(request, actions.mark_read, actions.mark_unread, read_form)


def _toggle(request: HttpRequest, set_it, clear_it, control) -> HttpResponse:
    form = ToggleForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("This form was incomplete or damaged; go back and try again.")
    pk, on = form.cleaned_data["article"], form.cleaned_data["on"]
    back = safe_next(request, form.cleaned_data["next"], reverse("articles:detail", args=[pk]))
    if back is None:  # checked before writing: a forged form changes nothing
        return HttpResponseBadRequest("That return address leads off this site.")
    (set_it if on else clear_it)(request.user, [pk])  # Http404 for an article the user cannot read
    if request.headers.get("HX-Request") != "true":
        return SeeOther(back)
    title = Article.objects.visible_to(request.user).values_list("title", flat=True).get(pk=pk)
    return HttpResponse(control(FormContext(request, back), pk, title, on))


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    return _many(request, form, _bulk_action)


def _bulk_action(data: dict):
    """The action and what to say afterwards; tagging takes the name typed beside the
    buttons (put in the message as a value, never read as a format string)."""
    name = data["tag"]
    if data["action"] == "tag":
        return (
            lambda user, ids: actions.tag_articles(user, ids, name),
            lambda n: f"Tagged {_articles(n)} “{name}”.",
        )
    if data["action"] == "untag":
        return (
            lambda user, ids: actions.untag_articles(user, ids, name),
            lambda n: f"Removed “{name}” from {_articles(n)}.",
        )
    return BULK_ACTIONS[data["action"]]


def _articles(n: int) -> str:
    return f"{n} article{'' if n == 1 else 's'}"


@require_POST
def page_read(request: HttpRequest) -> HttpResponse:
    form = PageReadForm(request.POST)
    return _many(request, form, lambda data: (actions.mark_page_read, BULK_ACTIONS["read"][1]))


def _many(request: HttpRequest, form, pick) -> HttpResponse:
    if not form.is_valid():
        return HttpResponseBadRequest("This form was incomplete or damaged; go back and try again.")
    back = safe_next(request, form.cleaned_data["next"], reverse("articles:list"))
    if back is None:
        return HttpResponseBadRequest("That return address leads off this site.")
    ids = form.cleaned_data["ids"]
    if not ids:
        messages.info(request, "Select one or more articles first (the boxes beside their titles).")
        return SeeOther(back)
    action, message = pick(form.cleaned_data)
    try:
        changed = action(request.user, ids)
    except tagging.TagError as problem:
        messages.error(request, f"Nothing was tagged — {problem}")
        return SeeOther(back)
    messages.success(request, message(changed))
    return SeeOther(back)


@require_GET
def new_articles(request: HttpRequest) -> HttpResponse:
    """The unread articles that arrived since the previous visit (``workspace.visits``)."""
    visit = ListVisit.objects.filter(user=request.user).first()
    since = visit.new_since if visit else None
    articles = visits.new_unread(request.user, since) if since else Article.objects.none()
    page = requested_page_or_404(request, articles)
    if since:
        intro = f"Unread articles that arrived after {_when(since)}, when your previous visit ended."
    else:
        intro = "This is your first visit: from your next one on, this page lists what arrived in between."
    return _article_page(
        request, page, "New since your last visit", intro, "Nothing new and unread. You are up to date."
    )


@require_GET
def starred(request: HttpRequest) -> HttpResponse:
    """The user's starred articles, most recently starred first, one keyset page at a time.

    Read off the starred rows' own index (``readingstate_starred_idx``) rather than the
    articles newest-first: a few hundred stars among a million articles.
    """
    page = _starred_page(request)
    return _article_page(
        request,
        page,
        "Starred articles",
        "Articles you starred, the most recently starred first.",
        "No starred articles yet: press Star on an article (or s on the keyboard) to keep it here.",
    )


def _starred_page(request: HttpRequest) -> KeysetPage:
    per_page = settings.ARTICLES_PER_PAGE
    states = ReadingState.objects.filter(
        user=request.user,
        starred_at__isnull=False,
        article__in=Article.objects.visible_to(request.user).values("pk"),
    ).values_list("pk", "starred_at", "article_id")
    after, before = request.GET.get("after"), request.GET.get("before")
    try:
        if before:
            when, pk = decode_cursor(before)
            newer = states.filter(starred_at__gte=when).exclude(starred_at=when, pk__lte=pk)
            rows = list(newer.order_by("starred_at", "pk")[: per_page + 1])
            has_newer, has_older = len(rows) > per_page, True
            rows = list(reversed(rows[:per_page]))
        else:
            older = states.order_by("-starred_at", "-pk")
            if after:
                when, pk = decode_cursor(after)
                older = older.filter(starred_at__lte=when).exclude(starred_at=when, pk__gte=pk)
            rows = list(older[: per_page + 1])
            has_older, has_newer = len(rows) > per_page, bool(after)
            rows = rows[:per_page]
    except BadCursor:
        raise Http404("damaged page link") from None
    by_id = {
        a.pk: a
        for a in Article.objects.visible_to(request.user).for_list().filter(pk__in=[r[2] for r in rows])
    }
    return KeysetPage(
        items=[by_id[r[2]] for r in rows if r[2] in by_id],
        older_cursor=encode_cursor(rows[-1][1], rows[-1][0]) if rows and has_older else None,
        newer_cursor=encode_cursor(rows[0][1], rows[0][0]) if rows and has_newer else None,
    )


def _article_page(request: HttpRequest, page: KeysetPage, heading: str, intro: str, empty: str):
    hooks.row_controls(request, page.items)
    context = {
        "heading": heading,
        "intro": intro,
        "empty": empty,
        "page": page,
        "list_toolbar": hooks.markup("article_list_toolbar", request, page.items),
        "base_query": _without_cursor(request.GET),
    }
    return render(request, "workspace/article_page.html", context)


def _without_cursor(query: QueryDict) -> str:
    copy = query.copy()
    for name in ("after", "before"):
        copy.pop(name, None)
    return copy.urlencode()


def _when(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "M j, H:i")
