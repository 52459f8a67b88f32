"""Create or update articles from any source, by (source, guid).

Seed files and feeds both come through :func:`upsert_article`, so the rules
are the same everywhere: an unchanged item does nothing, a changed one updates
its article and is processed again, a new one is created and queued — and a
person's TLP decision on an existing article is never overwritten by a reload.

A feed's poll goes through :func:`upsert_articles`: the same outcomes as
:func:`upsert_article` entry after entry, but the existing articles are looked up
at once and each run of new entries is inserted together (:func:`create_articles`:
authors, tags, stories, similarity keys and the enrichment request in a constant
number of queries). A run that fails is rolled back to its savepoint and its
entries are saved one by one, each in its own savepoint, so only a bad one is lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from articles import processing
from articles.models import Article, ArticleAuthor, ArticleTag, Author, Source, SuppressedTag, Tag
from articles.stories import assign_story, group_new_articles, store_similarity_keys

log = logging.getLogger(__name__)


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
    _require_transaction("upsert_article")
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
# New entries inserted together at most; a poll's chunk of entries is no longer anyway.
MAX_RUN = 100
# Guids per ``IN (…)`` when looking up a poll's existing articles.
LOOKUP_CHUNK = 1000

Result = tuple[Article, Outcome] | Exception


def upsert_articles(source: Source, incomings: list[IncomingArticle]) -> list[Result]:
    """:func:`upsert_article` for each of ``incomings`` in order, new ones in batches.

    Returns one result per incoming: ``(article, outcome)``, or the exception that kept
    it out (nothing of it saved). Must run inside a transaction; each run of new entries
    and each changed entry gets a savepoint of its own inside it.
    """
    _require_transaction("upsert_articles")
    existing = _existing(source, {incoming.guid for incoming in incomings})
    results: list[Result | None] = [None] * len(incomings)
    run: list[int] = []  # new entries waiting to be inserted together
    seen: set[str] = set()
    for index, incoming in enumerate(incomings):
        known = existing.get(incoming.guid)
        if incoming.guid in seen or (known is not None and known.content_hash != incoming.content_hash):
            # A changed entry, or one the poll repeats: after what comes before it is saved,
            # the single upsert (which looks it up again) decides, as it always has.
            _insert_run(source, incomings, run, results)
            run = []
            results[index] = _upsert_one(source, incoming)
        elif known is not None:
            results[index] = (known, Outcome.UNCHANGED)
        else:
            run.append(index)
            if len(run) == MAX_RUN:
                _insert_run(source, incomings, run, results)
                run = []
        seen.add(incoming.guid)
    _insert_run(source, incomings, run, results)
    return results


def create_articles(source: Source, incomings: list[IncomingArticle]) -> list[Article]:
    """Create articles for new entries (no article of ``source`` has their guids, and no
    two share one), in order, as :func:`upsert_article` would one after another.

    All or nothing: raises when any of them cannot be saved, and the caller rolls back.
    """
    _require_transaction("create_articles")
    pending = processing.pending_state(timezone.now())
    articles = [
        Article(
            source=source,
            guid=incoming.guid,
            tlp=incoming.tlp or source.default_tlp,
            **{name: getattr(incoming, name) for name in CONTENT_FIELDS},
            **pending,  # requested as it is written: no UPDATE before the message is sent
        )
        for incoming in incomings
    ]
    sketches = group_new_articles(articles)  # stories and fingerprints, written by the insert
    _insert(articles)
    store_similarity_keys(articles, sketches)
    _add_authors(articles, [incoming.authors for incoming in incomings])
    _add_feed_tags(articles, [incoming.tags for incoming in incomings])
    processing.enqueue_inserted([article.pk for article in articles])
    return articles


def _insert(articles: list[Article]) -> None:
    """Insert the articles and set their ids (one statement where the database returns them)."""
    if transaction.get_connection().features.can_return_rows_from_bulk_insert:
        Article.objects.bulk_create(articles)
    else:  # SQLite before 3.35: ids only come back one row at a time
        for article in articles:
            article.save(force_insert=True)


def _insert_run(source: Source, incomings: list[IncomingArticle], run: list[int], results: list) -> None:
    if not run:
        return
    try:
        with transaction.atomic():
            created = create_articles(source, [incomings[index] for index in run])
    except Exception as exc:  # one bad entry must not lose the others: one by one, then
        log.info(
            "%d new entries of %s could not be saved together (%s: %s); saving them one by one",
            len(run),
            source.name,
            type(exc).__name__,
            exc,
        )
        for index in run:
            results[index] = _upsert_one(source, incomings[index])
        return
    for index, article in zip(run, created, strict=True):
        results[index] = (article, Outcome.CREATED)


def _upsert_one(source: Source, incoming: IncomingArticle) -> Result:
    try:
        with transaction.atomic():  # a savepoint inside the caller's transaction
            return upsert_article(source, incoming)
    except Exception as exc:  # the caller reports it; the other entries go on
        return exc


def _existing(source: Source, guids: set[str]) -> dict[str, Article]:
    """The source's articles with these guids (what comparing needs, not their text)."""
    found: dict[str, Article] = {}
    ordered = sorted(guids)
    for offset in range(0, len(ordered), LOOKUP_CHUNK):
        rows = Article.objects.filter(source=source, guid__in=ordered[offset : offset + LOOKUP_CHUNK])
        for article in rows.order_by().only("pk", "source_id", "guid", "content_hash"):
            found[article.guid] = article
    return found


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside transaction.atomic()")


def set_feed_tags(article: Article, names: list[str]) -> None:
    """The feed's own categories become tags (a person's removals are respected)."""
    wanted = _tag_names(names)
    wanted -= set(SuppressedTag.objects.filter(article=article).values_list("tag__name", flat=True))
    ArticleTag.objects.filter(article=article, added_by_enricher=FEED_TAG_SOURCE).exclude(
        tag__name__in=wanted
    ).delete()
    _add_feed_tags([article], [wanted])


def _add_feed_tags(articles: list[Article], names_per_article: list[Iterable[str]]) -> None:
    wanted = [_tag_names(names) for names in names_per_article]
    tags = _tags_named(set().union(*wanted))
    ArticleTag.objects.bulk_create(
        [
            ArticleTag(article=article, tag=tags[name], added_by_enricher=FEED_TAG_SOURCE)
            for article, names in zip(articles, wanted, strict=True)
            for name in sorted(names)
        ],
        ignore_conflicts=True,
    )


def _tag_names(names: Iterable[str]) -> set[str]:
    return {" ".join(n.split())[:255] for n in names if n.strip()}


def _tags_named(names: set[str]) -> dict[str, Tag]:
    """The tags with these names, created when missing."""
    if not names:
        return {}
    tags = {t.name: t for t in Tag.objects.filter(name__in=names)}
    for name in sorted(names - tags.keys()):
        tags[name] = Tag(name=name)
        tags[name].save()  # save() picks a free slug
    return tags


def set_authors(article: Article, names: list[str]) -> None:
    ArticleAuthor.objects.filter(article=article).delete()
    _add_authors([article], [names])


def _add_authors(articles: list[Article], names_per_article: list[list[str]]) -> None:
    """Credit each article's authors in byline order (one credit per person)."""
    slugs_per_article: list[list[str]] = []
    name_for: dict[str, str] = {}  # slug -> the first spelling seen, as get_or_create kept
    for names in names_per_article:
        slugs: list[str] = []
        for name in names:
            slug = Author.slug_for(name)
            if slug not in slugs:
                slugs.append(slug)
                name_for.setdefault(slug, name)
        slugs_per_article.append(slugs)
    if not name_for:
        return
    ids = dict(Author.objects.filter(slug__in=name_for).values_list("slug", "pk"))
    missing = [slug for slug in name_for if slug not in ids]
    if missing:
        # ignore_conflicts: another worker may create the same person meanwhile; read back.
        Author.objects.bulk_create([Author(slug=s, name=name_for[s]) for s in missing], ignore_conflicts=True)
        ids.update(Author.objects.filter(slug__in=missing).values_list("slug", "pk"))
    ArticleAuthor.objects.bulk_create(
        [
            ArticleAuthor(article=article, author_id=ids[slug], position=position)
            for article, slugs in zip(articles, slugs_per_article, strict=True)
            for position, slug in enumerate(slugs)
        ]
    )
