"""The access matrix for the workspace's surfaces: every clearance against every TLP label.

One article per label carries everything the workspace shows about an article — a shared
note, a tag, a star and a read mark made earlier, an entity and an indicator — and each
surface is read as a user of every clearance: RED clearance without a grant reads no RED
article. Nothing of an article above the reader's clearance may appear: not its title, its
note, its tag name, nor a count of it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleEntity, Entity, Indicator, Sighting
from articles.tlp import TLP_ORDER
from tests.factories import ArticleFactory
from tests.test_access import READABLE
from workspace import digests, saved_searches
from workspace.models import Annotation, ListVisit, ReadingState

pytestmark = pytest.mark.django_db
WORD = "matrixword"


def slug(label: str) -> str:
    return label.replace("+", "-")


@pytest.fixture
def marked(db, make_user):
    """One article per label, published an hour ago, with a shared note, a tag, an entity
    and an indicator of its own."""
    author = make_user("red", "admin", username="note-writer")
    articles = {}
    now = timezone.now()
    for n, label in enumerate(TLP_ORDER):
        article = ArticleFactory(
            title=f"{WORD} story marked {label}",
            teaser=f"{WORD} teaser",
            tlp=label,
            tags=[f"{WORD}-tag-{slug(label)}"],
            published_at=now - dt.timedelta(hours=1),
        )
        # Written directly, as if before the article was relabelled: the reads must filter.
        Annotation.objects.create(
            article=article,
            author=author,
            shared=True,
            body=f"{WORD} note on {label}",
            body_html=f"<p>{WORD} note on {label}</p>",
        )
        entity = Entity.objects.create(kind="threat-actor", name=f"Actor {slug(label)}")
        ArticleEntity.objects.create(article=article, entity=entity)
        indicator = Indicator.objects.create(type="ipv4", value=f"198.51.100.{n + 10}")
        Sighting.objects.create(
            article=article,
            indicator=indicator,
            section="body",
            start=0,
            end=1,
            matched="x",
            enricher="test",
            enricher_version="1",
        )
        articles[label] = article
    return articles


def hidden_traces(label: str, article) -> list[str]:
    n = TLP_ORDER.index(label)
    return [
        f"story marked {label}<",
        f"note on {label}<",
        f"{WORD}-tag-{slug(label)}",
        f"Actor {slug(label)}",
        f"198.51.100.{n + 10}",
        f"/articles/{article.pk}/",
    ]


@pytest.mark.parametrize("clearance", TLP_ORDER)
def test_workspace_pages_show_nothing_of_articles_above_the_readers_clearance(
    clearance, make_user, client, marked
):
    reader = make_user(clearance)
    for article in marked.values():  # stars and read marks made when they could still read it
        ReadingState.objects.create(user=reader, article=article, starred_at=timezone.now())
    ListVisit.objects.create(
        user=reader, last_list_view_at=timezone.now(), new_since=timezone.now() - dt.timedelta(days=1)
    )
    ReadingState.objects.update(read_at=None)
    search = saved_searches.save_search(reader, "matrix", f"q={WORD}")
    saved_searches.SavedSearch.objects.filter(pk=search.pk).update(
        last_opened_at=timezone.now() - dt.timedelta(days=2)
    )
    client.force_login(reader)
    pages = {
        "dashboard": client.get(reverse("dashboard")),
        "starred": client.get(reverse("workspace:starred")),
        "new": client.get(reverse("workspace:new")),
        "notes search": client.get(reverse("workspace:notes"), {"q": WORD}),
        "tag suggestions": client.get(reverse("workspace:tag-suggest"), {"name": WORD}),
        "saved searches": client.get(reverse("workspace:searches")),
        "list with its sidebar": client.get(reverse("articles:list")),
        "search snippets": client.get(reverse("articles:list"), {"q": WORD}),
    }
    readable = READABLE[clearance]
    for label, article in marked.items():
        for name, response in pages.items():
            assert response.status_code == 200, name
            html = response.content.decode()
            for trace in hidden_traces(label, article):
                if label in readable:
                    continue
                assert trace not in html, f"{clearance} reader sees {trace!r} on {name}"
    # The readable ones do show, so the checks above could fail.
    starred = pages["starred"].content.decode()
    assert all(f"story marked {label}<" in starred for label in readable)
    # Counts: the saved search's new matches and the digest count only readable articles.
    ((_, count, _capped),) = saved_searches.with_new_counts(reader)
    assert count == len(readable)
    content = digests.build(search, reader, timezone.now() - dt.timedelta(days=2), timezone.now())
    mailed = {a.tlp for a in content.items}
    assert mailed <= readable and content.withheld == len(readable & {"amber+strict"})


@pytest.mark.parametrize("clearance", TLP_ORDER)
def test_notes_and_tag_panels_of_an_unreadable_article_are_404(clearance, make_user, client, marked):
    client.force_login(make_user(clearance, "analyst"))
    for label, article in marked.items():
        expected = 200 if label in READABLE[clearance] else 404
        note = Annotation.objects.get(article=article)
        assert client.get(reverse("workspace:tag-row-editor", args=[article.pk])).status_code == expected
        reply = client.post(reverse("workspace:note-reply", args=[note.pk]), {"body": "x"})
        assert reply.status_code == (302 if expected == 200 else 404), (clearance, label)
