"""People tagging articles: one place that checks a tag, adds or removes it and records it.

The article page, the list rows and the bulk actions (workspace app) and the admin all
tag through here. A tag is matched to an existing one ignoring case, so "Ransomware" and
"ransomware" stay one tag (the first spelling wins). TLP is not a tag a person sets: it is
the article's label, changed through ``access_changes``. A person adding a tag back lifts
the suppression that removing an enricher's tag recorded (``overrides.remove_tag``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.http import HttpRequest

from articles import overrides
from articles.models import Article, ArticleTag, SuppressedTag, Tag
from audit.actions import Action
from audit.services import record, record_for_articles

MAX_TAG_LENGTH = 120


class TagError(ValueError):
    """A tag name that cannot be used; the message says why, for the person who typed it."""


def may_tag(user) -> bool:
    """Analysts, editors and admins tag; an account with no role only reads."""
    return user.is_authenticated and user.may_work_on_articles


def clean_tag_name(raw: str) -> str:
    """``raw`` as a tag name: whitespace collapsed; refused when empty, too long, holding
    control characters, or a TLP label."""
    if any(unicodedata.category(ch) in {"Cc", "Cf"} and not ch.isspace() for ch in raw):
        raise TagError("A tag cannot contain control characters.")
    name = " ".join(raw.split())
    if not name:
        raise TagError("Type a tag name.")
    if len(name) > MAX_TAG_LENGTH:
        raise TagError(f"A tag is at most {MAX_TAG_LENGTH} characters ({len(name)} typed).")
    if name.lower().startswith("tlp:"):
        raise TagError("TLP is the article's label, not a tag: change it under “TLP label” on its page.")
    return name


def tag_named(name: str) -> Tag:
    """The tag called ``name`` (any case), created when new."""
    existing = Tag.objects.filter(name__iexact=name).order_by("pk").first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:
        # Created by someone else a moment ago, in this spelling or another case; or a
        # different name whose slug won the race ("foo bar", "foo-bar"): then try again,
        # and the slug gets its "-2".
        existing = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if existing is not None:
            return existing
        with transaction.atomic():
            return Tag.objects.create(name=name)


@transaction.atomic
def add_tag(
    article: Article, raw_name: str, *, by, request: HttpRequest | None = None
) -> tuple[ArticleTag, bool]:
    """Tag ``article`` (which ``by`` may read: the caller looked it up through ``visible_to``).
    Returns the link and whether it is new; a tag already there is left as it is."""
    tag = tag_named(clean_tag_name(raw_name))
    link, created = ArticleTag.objects.get_or_create(article=article, tag=tag, defaults={"added_by": by})
    if created:
        SuppressedTag.objects.filter(article=article, tag=tag).delete()
        record(Action.TAG_ADD, request=request, actor=by, obj=article, after={"tag": tag.name})
    return link, created


@transaction.atomic
def remove_tag(article: Article, tag_id: int, *, by, request: HttpRequest | None = None) -> Tag | None:
    """Take a tag off ``article``; the removed tag, or None when it was not there."""
    link = ArticleTag.objects.select_related("tag").filter(article=article, tag_id=tag_id).first()
    if link is None:
        return None
    overrides.remove_tag(link, by)
    record(Action.TAG_REMOVE, request=request, actor=by, obj=article, before={"tag": link.tag.name})
    return link.tag


@transaction.atomic
def add_tag_to_articles(
    article_ids: Iterable[int], raw_name: str, *, by, request: HttpRequest | None = None
) -> tuple[Tag, int]:
    """Bulk tagging: ``article_ids`` must already be limited to what ``by`` may read.
    Returns the tag and how many articles newly got it (one audit event each)."""
    tag = tag_named(clean_tag_name(raw_name))
    ids = set(article_ids)
    have = set(ArticleTag.objects.filter(article_id__in=ids, tag=tag).values_list("article_id", flat=True))
    new = sorted(ids - have)
    # A double-submitted form may have tagged some meanwhile: those rows are skipped.
    ArticleTag.objects.bulk_create(
        [ArticleTag(article_id=pk, tag=tag, added_by=by) for pk in new], ignore_conflicts=True
    )
    SuppressedTag.objects.filter(article_id__in=new, tag=tag).delete()
    record_for_articles(Action.TAG_ADD, new, request=request, actor=by, detail=f"tag: {tag.name}")
    return tag, len(new)


@transaction.atomic
def remove_tag_from_articles(
    article_ids: Iterable[int], tag_id: int, *, by, request: HttpRequest | None = None
) -> int:
    """Bulk untagging of articles ``by`` may read; how many lost the tag."""
    links = list(ArticleTag.objects.filter(article_id__in=set(article_ids), tag_id=tag_id))
    for link in links:
        overrides.remove_tag(link, by)
    if links:
        removed = [link.article_id for link in links]
        record_for_articles(
            Action.TAG_REMOVE, removed, request=request, actor=by, detail=f"tag: {links[0].tag.name}"
        )
    return len(links)
