"""Notes on articles: create, reply, edit, delete (plain form posts) and find them again.

Each post redirects back to the article's note (it works without JavaScript); with htmx
(``HX-Request``) the answer is the notes panel alone. The rules are in
``workspace.annotations``; these views look things up through ``visible_to`` (an
article or note the person may not read is a 404) and say what went wrong.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles.models import Article
from articles.urlpaths import reverse_one
from workspace import annotations, note_markup

PANEL = "workspace/_notes_panel.html"
SEARCH_PAGE_SIZE = 50


def panel_context(request: HttpRequest, article: Article, error: str = "", draft: dict | None = None) -> dict:
    notes, replies = annotations.notes_on(article, request.user)
    threads = [(placed, replies.get(placed.note.pk, [])) for placed in notes]
    for placed, thread in threads:
        for note in (placed.note, *thread):
            note.urls = _note_urls(note.pk)
    can_write = request.user.may_work_on_articles
    return {
        "article": article,
        "notes_html": note_markup.notes_list(request, threads, can_write),
        "orphans": sum(1 for placed in notes if placed.orphaned),
        "error": error,
        "draft": draft or {},
        "can_write": can_write,
    }


def _note_urls(note_id: int) -> dict[str, str]:
    # Reversed here, once each, rather than by six {% url %} tags per note in the template
    # (~1 ms a note: an article with 20 notes spent ~10 ms on them; docs/architecture.md).
    return {action: reverse_one(f"workspace:note-{action}", note_id=note_id) for action in NOTE_ACTIONS}


NOTE_ACTIONS = ("edit", "delete", "reply")


def _offset(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 <= value < 10**9 else None


@require_POST
def create(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=pk)
    post = request.POST
    try:
        note = annotations.create_note(
            article,
            request.user,
            post.get("body", ""),
            shared=post.get("shared") == "on",
            quote=post.get("quote", ""),
            start=_offset(post.get("start")),
            end=_offset(post.get("end")),
        )
    except annotations.NoteError as problem:
        draft = {key: post.get(key, "") for key in ("body", "quote", "start", "end", "shared")}
        return _answer(request, article, str(problem), draft=draft)
    return _answer(request, article, "", note_id=note.pk)


@require_POST
def reply(request: HttpRequest, note_id: int) -> HttpResponse:
    parent = get_object_or_404(annotations.visible_annotations(request.user), pk=note_id)
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=parent.article_id)
    try:
        note = annotations.reply(parent, request.user, request.POST.get("body", ""))
    except annotations.NoteError as problem:
        return _answer(request, article, str(problem))
    return _answer(request, article, "", note_id=note.pk)


@require_POST
def edit(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(annotations.visible_annotations(request.user), pk=note_id)
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=note.article_id)
    shared = None if note.parent_id else request.POST.get("shared") == "on"
    try:
        annotations.edit_note(note, request.user, request.POST.get("body", ""), shared=shared)
    except annotations.NoteError as problem:
        return _answer(request, article, str(problem))
    return _answer(request, article, "", note_id=note.pk)


@require_POST
def delete(request: HttpRequest, note_id: int) -> HttpResponse:
    note = get_object_or_404(annotations.visible_annotations(request.user), pk=note_id)
    article = get_object_or_404(Article.objects.visible_to(request.user), pk=note.article_id)
    annotations.delete_note(note, request.user)
    return _answer(request, article, "")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The notes the reader may see, newest first; ``q`` narrows them to notes holding its words."""
    text = " ".join(request.GET.get("q", "").split())[:200]
    found = annotations.search_notes(request.user, text).defer(
        "article__body_text", "article__body_html", "article__search_vector"
    )
    return render(
        request,
        "workspace/notes.html",
        {"q": text, "notes": list(found[:SEARCH_PAGE_SIZE]), "limit": SEARCH_PAGE_SIZE},
    )


def _answer(request, article: Article, error: str, *, note_id: int | None = None, draft=None) -> HttpResponse:
    if request.headers.get("HX-Request") == "true":
        return render(request, PANEL, panel_context(request, article, error, draft))
    if error:
        messages.error(request, f"The note was not saved — {error}")
    anchor = f"#note-{note_id}" if note_id else "#notes"
    return redirect(article.get_absolute_url() + anchor)
