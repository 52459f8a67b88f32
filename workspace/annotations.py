"""Notes on articles: the one place that reads, writes and re-anchors them.

Who sees a note: its author always; everyone who may read the article when it is shared.
Every read starts from ``Article.objects.visible_to(user)``, so a note disappears for a
reader the moment the article does (a lowered clearance, a raised TLP, a revoked grant).
Only the author edits or deletes a note. A reply joins a shared note's thread and is
itself shared. Deleting a note that has replies keeps it as "deleted" so the thread
still reads; otherwise it is removed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet

from articles.models import Article
from workspace import anchoring
from workspace.annotation_models import MAX_NOTE_LENGTH, Annotation
from workspace.notes_markdown import render_note


class NoteError(ValueError):
    """A note that cannot be saved; the message says why, for the person who wrote it."""


@dataclass(frozen=True)
class PlacedNote:
    """A note with where its passage is in the article's text now."""

    note: Annotation
    anchor: anchoring.Anchor | None  # None: a whole-article note, or an orphan

    @property
    def orphaned(self) -> bool:
        return bool(self.note.quote_exact) and self.anchor is None


def visible_annotations(user) -> QuerySet[Annotation]:
    """Notes ``user`` may read: on articles they may read, their own or shared."""
    readable = Article.objects.visible_to(user).values("pk")
    return Annotation.objects.filter(article_id__in=readable).filter(Q(author=user) | Q(shared=True))


def article_text(article: Article) -> str:
    return anchoring.annotatable(article.body_text or "")


def notes_on(article: Article, user) -> tuple[list[PlacedNote], dict[int, list[Annotation]]]:
    """The top-level notes ``user`` may read on ``article`` (placed in its current text, in
    text order, whole-article notes and orphans after), and the replies by note id."""
    notes = list(visible_annotations(user).filter(article=article).select_related("author"))
    text = article_text(article)
    top, replies = [], {}
    for note in notes:
        if note.parent_id is not None:
            replies.setdefault(note.parent_id, []).append(note)
        else:
            placed = anchoring.anchor(text, note.selector) if note.quote_exact else None
            top.append(PlacedNote(note, placed))
    top.sort(key=lambda p: (p.anchor is None, p.anchor.start if p.anchor else 0, p.note.created_at))
    return top, replies


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise NoteError("Write something in the note.")
    if "\x00" in body:
        raise NoteError("A note cannot contain NUL characters.")
    if len(body) > MAX_NOTE_LENGTH:
        raise NoteError(f"A note is at most {MAX_NOTE_LENGTH:,} characters ({len(body):,} written).")
    return body


def _selector(article: Article, quote: str, start: int | None, end: int | None) -> anchoring.Selector:
    """The selector for a new note's passage: the offsets the page sent when they hold the
    quote, else the quote's first (best) place in the text; a quote not in the text is refused."""
    exact = anchoring.annotatable(quote or "")
    if not exact:
        return anchoring.Selector("")
    if len(exact) > anchoring.MAX_QUOTE_LENGTH:
        raise NoteError(f"Highlight at most {anchoring.MAX_QUOTE_LENGTH:,} characters.")
    text = article_text(article)
    if start is not None and end is not None and text[start:end] == exact:
        return anchoring.selector_for(text, start, end)
    at = anchoring.find_quote(text, exact, near=start)
    if at is None:
        raise NoteError("That passage is not in the article's text (it may have changed): select it again.")
    return anchoring.selector_for(text, at, at + len(exact))


@transaction.atomic
def create_note(
    article: Article,
    author,
    body: str,
    *,
    shared: bool,
    quote: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Annotation:
    """A note on ``article`` (which ``author`` may read: the caller looked it up through
    ``visible_to``), on a passage when ``quote`` is given, else on the whole article."""
    _may_write(author)
    body = _clean_body(body)
    selector = _selector(article, quote, start, end)
    position_end = selector.start + len(selector.exact) if selector.exact else None
    return Annotation.objects.create(
        article=article,
        author=author,
        shared=shared,
        body=body,
        body_html=render_note(body),
        quote_exact=selector.exact,
        quote_prefix=selector.prefix,
        quote_suffix=selector.suffix,
        position_start=selector.start,
        position_end=position_end,
    )


@transaction.atomic
def reply(parent: Annotation, author, body: str) -> Annotation:
    """A reply in ``parent``'s thread (``parent`` read through :func:`visible_annotations`)."""
    _may_write(author)
    # Locked: an edit that unshares the note (allowed only while it has no replies) and a
    # reply cannot pass their checks at the same time (shared replies under a private note).
    parent = Annotation.objects.select_for_update().get(pk=parent.pk)
    if not parent.shared or parent.parent_id is not None:
        raise NoteError("Only a shared note can be replied to.")
    if parent.deleted:
        raise NoteError("That note was deleted; its thread is closed.")
    body = _clean_body(body)
    return Annotation.objects.create(
        article_id=parent.article_id,
        author=author,
        parent=parent,
        shared=True,
        body=body,
        body_html=render_note(body),
    )


def _may_write(user) -> None:
    if not user.may_work_on_articles:
        raise PermissionDenied("Your account may read but not write notes.")


def _own(note: Annotation, user) -> None:
    if note.author_id != user.pk:
        raise PermissionDenied("Only the author of a note can change it.")


@transaction.atomic
def edit_note(note: Annotation, user, body: str, *, shared: bool | None = None) -> Annotation:
    _own(note, user)
    note = Annotation.objects.select_for_update().get(pk=note.pk)  # see reply()
    if note.deleted:
        raise NoteError("That note was deleted.")
    note.body = _clean_body(body)
    note.body_html = render_note(note.body)
    fields = ["body", "body_html", "updated_at"]
    if shared is not None and note.parent_id is None:
        if not shared and note.replies.exists():
            raise NoteError("A note with replies stays shared: the replies belong to the team.")
        note.shared = shared
        fields.append("shared")
    note.save(update_fields=fields)
    return note


@transaction.atomic
def delete_note(note: Annotation, user) -> None:
    _own(note, user)
    if note.replies.exists():
        note.deleted = True
        note.body = ""
        note.body_html = ""
        note.save(update_fields=["deleted", "body", "body_html", "updated_at"])
    else:
        note.delete()


def search_notes(user, text: str) -> QuerySet[Annotation]:
    """Notes ``user`` may read whose text or quote holds every word of ``text``."""
    found = visible_annotations(user).filter(deleted=False)
    for word in text.split()[:10]:
        found = found.filter(Q(body__icontains=word) | Q(quote_exact__icontains=word))
    return found.select_related("author", "article").order_by("-updated_at", "-id")
