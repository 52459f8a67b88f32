"""The notes panel's list of notes and replies, written in Python.

The panel shows every note on the article with its edit, delete and reply forms; as a
template loop this cost ~0.4 ms a note (an article with 20 shared notes spent ~8 ms of its
~28 ms on it, measured with bench/explain_page.py at 1M articles), the same reason the list
rows are built with ``articles.markup``. The markup is the one
``workspace/_notes_panel.html`` used to loop over; the tests of the notes and their browser
test read it.
"""

from __future__ import annotations

from django.middleware.csrf import get_token
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from articles.markup import format_markup, join_markup
from workspace.annotations import PlacedNote
from workspace.models import Annotation

QUOTE_CHARS = 300
EMPTY = format_markup(
    '<li class="muted">{}</li>',
    "No notes yet. Select a passage of the text to highlight it, or write a note on the whole article.",
)


def notes_list(request, threads: list[tuple[PlacedNote, list[Annotation]]], can_write: bool) -> SafeString:
    """The ``<li>`` of each top-level note, its replies and forms, in the given order."""
    if not threads:
        return EMPTY
    csrf = format_markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request))
    me = request.user.pk
    return join_markup(
        "", "{}", ((_note(placed, replies, me, can_write, csrf),) for placed, replies in threads)
    )


def _note(
    placed: PlacedNote, replies: list[Annotation], me: int, can_write: bool, csrf: SafeString
) -> SafeString:
    note = placed.note
    anchor = placed.anchor
    classes = "note note--orphaned" if placed.orphaned else "note"
    data = (
        format_markup(
            ' data-quote="{}" data-start="{}" data-end="{}"', note.quote_exact, anchor.start, anchor.end
        )
        if anchor
        else ""
    )
    if placed.orphaned:
        where = format_markup('<span class="badge badge--warn">{}</span>', "Passage no longer in the text")
    elif not note.quote_exact:
        where = format_markup('<span class="muted">{}</span>', "on the whole article")
    else:
        where = ""
    meta = format_markup(
        '<p class="note__meta">{} {} · {}{}{}</p>',
        _badge(note),
        note.author.get_username(),
        _time(note.created_at),
        " (edited)" if _edited(note) else "",
        where,
    )
    quote = ""
    if note.quote_exact:
        short = Truncator(note.quote_exact).chars(QUOTE_CHARS)
        inner = (
            format_markup('<a href="#text" class="note__jump" data-note="{}">{}</a>', note.pk, short)
            if anchor
            else short
        )
        quote = format_markup('<blockquote class="note__quote">{}</blockquote>', inner)
    if note.deleted:
        body = format_markup('<p class="muted">{}</p>', "Note deleted by its author.")
    else:
        body = format_markup('<div class="note__body">{}</div>', mark_safe(note.body_html))  # noqa: S308 (sanitized when saved)
    edit = _edit_forms(note, csrf) if note.author_id == me and not note.deleted else ""
    thread = ""
    if replies:
        thread = format_markup(
            '<ol class="note__replies" aria-label="Replies">{}</ol>',
            join_markup("", "{}", ((_reply(r, me, csrf),) for r in replies)),
        )
    reply_form = _reply_form(note, csrf) if note.shared and not note.deleted and can_write else ""
    return format_markup(
        '<li class="{}" id="note-{}"{}>{}{}{}{}{}{}</li>',
        classes,
        note.pk,
        data,
        meta,
        quote,
        body,
        edit,
        thread,
        reply_form,
    )


def _badge(note: Annotation) -> SafeString:
    if note.shared:
        return format_markup('<span class="badge">{}</span>', "Shared")
    return format_markup('<span class="badge badge--private">{}</span>', "Private")


def _time(moment) -> SafeString:
    local = timezone.localtime(moment)
    return format_markup(
        '<time datetime="{}">{}</time>', dateformat.format(local, "c"), dateformat.format(local, "M j, Y H:i")
    )


def _edited(note: Annotation) -> bool:
    return int(note.updated_at.timestamp()) != int(note.created_at.timestamp())


def _edit_forms(note: Annotation, csrf: SafeString) -> SafeString:
    return format_markup(
        '<details class="note__edit"><summary>Edit<span class="visually-hidden"> your note</span></summary>'
        '<form method="post" action="{edit}" hx-post="{edit}" hx-target="#notes"'
        ' hx-swap="outerHTML">{csrf}'
        '<label for="note-edit-{pk}">Note (Markdown)</label>'
        '<textarea id="note-edit-{pk}" name="body" rows="4" maxlength="10000" required'
        ' class="input">{body}</textarea>'
        '<label><input type="checkbox" name="shared"{checked}>'
        " Share with everyone who may read this article</label>"
        '<button type="submit" class="button button--small">Save note</button></form>'
        '<form method="post" action="{delete}" hx-post="{delete}" hx-target="#notes" hx-swap="outerHTML"'
        ' hx-confirm="Delete this note?">{csrf}'
        '<button type="submit" class="button button--ghost button--small">Delete note</button>'
        "</form></details>",
        edit=note.urls["edit"],
        delete=note.urls["delete"],
        csrf=csrf,
        pk=note.pk,
        body=note.body,
        checked=" checked" if note.shared else "",
    )


def _reply(reply: Annotation, me: int, csrf: SafeString) -> SafeString:
    if reply.deleted:
        body = format_markup('<p class="muted">{}</p>', "Reply deleted by its author.")
    else:
        body = format_markup('<div class="note__body">{}</div>', mark_safe(reply.body_html))  # noqa: S308 (sanitized when saved)
    delete = ""
    if reply.author_id == me and not reply.deleted:
        delete = format_markup(
            '<form method="post" action="{url}" class="inline" hx-post="{url}" hx-target="#notes"'
            ' hx-swap="outerHTML">{csrf}<button type="submit" class="link">Delete'
            '<span class="visually-hidden"> your reply</span></button></form>',
            url=reply.urls["delete"],
            csrf=csrf,
        )
    return format_markup(
        '<li class="note note--reply" id="note-{}"><p class="note__meta">{} · {}</p>{}{}</li>',
        reply.pk,
        reply.author.get_username(),
        _time(reply.created_at),
        body,
        delete,
    )


def _reply_form(note: Annotation, csrf: SafeString) -> SafeString:
    return format_markup(
        '<form method="post" action="{url}" class="note__reply" hx-post="{url}" hx-target="#notes"'
        ' hx-swap="outerHTML">{csrf}'
        '<label for="reply-{pk}" class="visually-hidden">Reply to {author}\'s note</label>'
        '<textarea id="reply-{pk}" name="body" rows="2" maxlength="10000" required class="input"'
        ' placeholder="Reply…"></textarea>'
        '<button type="submit" class="button button--small">Reply</button></form>',
        url=note.urls["reply"],
        csrf=csrf,
        pk=note.pk,
        author=note.author.get_username(),
    )
