"""Create or update one article from any source, by (source, guid).

Seed files and feeds both come through :func:`upsert_article`, so the rules
are the same everywhere: an unchanged item does nothing, a changed one updates
its article and is processed again, a new one is created and queued — and a
person's TLP decision on an existing article is never overwritten by a reload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import transaction

from articles import processing
from articles.models import Article, ArticleAuthor, ArticleTag, Author, Source, SuppressedTag, Tag
from articles.stories import assign_story


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass
class IncomingArticle:
    guid: str
    title: str
    published_at: datetime
    content_hash: str
    url: str = ""
    teaser: str = ""
    executive_summary: str = ""
    summary: str = ""
    body_html: str = ""
    body_text: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # feed categories
    published_estimated: bool = False
    tlp: str | None = None  # None: the source's default TLP


CONTENT_FIELDS = (
    "url",
    "title",
    "teaser",
    "executive_summary",
    "summary",
    "body_html",
    "body_text",
    "published_at",
    "published_estimated",
    "content_hash",
)


def upsert_article(source: Source, incoming: IncomingArticle) -> tuple[Article, Outcome]:
    """Must run inside a transaction (the caller decides its scope)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("upsert_article must run inside transaction.atomic()")
    existing = Article.objects.filter(source=source, guid=incoming.guid).first()
    if existing is not None and existing.content_hash == incoming.content_hash:
        return existing, Outcome.UNCHANGED

    values = {name: getattr(incoming, name) for name in CONTENT_FIELDS}
    if existing is None:
        article = Article.objects.create(
            source=source, guid=incoming.guid, tlp=incoming.tlp or source.default_tlp, **values
        )
        outcome = Outcome.CREATED
    else:
        article = existing
        if incoming.published_estimated:
            # No date from the source: the first time we saw it stays the best estimate.
            values["published_at"] = existing.published_at
        for name, value in values.items():
            setattr(article, name, value)
        article.save()
        outcome = Outcome.UPDATED
    set_authors(article, incoming.authors)
    set_feed_tags(article, incoming.tags)
    assign_story(article)
    processing.enqueue([article.pk])
    return article, outcome


FEED_TAG_SOURCE = "feed"


def set_feed_tags(article: Article, names: list[str]) -> None:
    """The feed's own categories become tags (a person's removals are respected)."""
    wanted = {" ".join(n.split())[:255] for n in names if n.strip()}
    wanted -= set(SuppressedTag.objects.filter(article=article).values_list("tag__name", flat=True))
    ArticleTag.objects.filter(article=article, added_by_enricher=FEED_TAG_SOURCE).exclude(
        tag__name__in=wanted
    ).delete()
    if not wanted:
        return
    tags = {t.name: t for t in Tag.objects.filter(name__in=wanted)}
    for name in sorted(wanted - tags.keys()):
        tags[name] = Tag(name=name)
        tags[name].save()  # save() picks a free slug
    ArticleTag.objects.bulk_create(
        [ArticleTag(article=article, tag=tag, added_by_enricher=FEED_TAG_SOURCE) for tag in tags.values()],
        ignore_conflicts=True,
    )


def set_authors(article: Article, names: list[str]) -> None:
    ArticleAuthor.objects.filter(article=article).delete()
    seen: set[str] = set()
    position = 0
    for name in names:
        slug = Author.slug_for(name)
        if slug in seen:
            continue
        seen.add(slug)
        author, _ = Author.objects.get_or_create(slug=slug, defaults={"name": name})
        ArticleAuthor.objects.create(article=article, author=author, position=position)
        position += 1
