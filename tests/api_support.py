"""A world for the API's tests: one article per TLP label, each with everything the API
shows about an article (a tag, a shared note, an entity mention and an indicator sighting
with real spans, a published brief), all five in one story; and a client that sends a token."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api.tokens import issue_token
from articles.models import ArticleEntity, ArticleGrant, Entity, Indicator, Mention, Sighting, Story
from articles.tlp import TLP_ORDER
from tests.briefs_support import published
from tests.factories import ArticleFactory
from workspace.models import Annotation

WORD = "apimatrix"


def slug(label: str) -> str:
    return label.replace("+", "-")


def ip_of(n: int) -> str:
    return f"198.51.100.{n + 10}"


def traces(label: str) -> list[str]:
    """Strings that appear only where this label's article (or what hangs off it) shows."""
    n = TLP_ORDER.index(label)
    return [
        f"story marked {label}",
        f"note on {label}",
        f"{WORD}-tag-{slug(label)}",
        f"Actor{slug(label).capitalize()}",
        ip_of(n),
        f"{WORD} brief {label}",
    ]


def bearer(plain: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {plain}"}


@pytest.fixture
def world(db, make_user):
    """Articles by label (the RED one published first, so a story's first report is it for
    whoever may read it), their story, entities, indicators, notes and briefs."""
    editor = make_user("red", "admin", username="world-editor")
    approver = make_user("red", "admin", username="world-approver")
    story = Story.objects.create()
    now = timezone.now()
    articles, briefs = {}, {}
    for n, label in enumerate(TLP_ORDER):
        actor = f"Actor{slug(label).capitalize()}"
        body = f"The {WORD} report names {actor} and the address {ip_of(n)} in its text."
        article = ArticleFactory(
            title=f"{WORD} story marked {label}",
            teaser=f"{WORD} teaser",
            body_text=body,
            body_html=f"<p>{body}</p>",
            tlp=label,
            tags=[f"{WORD}-tag-{slug(label)}"],
            story=story,
            published_at=now - dt.timedelta(hours=10 - n) if label != "red" else now - dt.timedelta(days=2),
        )
        entity = Entity.objects.create(kind="threat-actor", name=actor)
        ArticleEntity.objects.create(article=article, entity=entity)
        start = body.index(actor)
        Mention.objects.create(
            article=article,
            entity=entity,
            section="body",
            start=start,
            end=start + len(actor),
            matched=actor,
            enricher="test",
            enricher_version="1",
        )
        indicator = Indicator.objects.create(type="ipv4", value=ip_of(n))
        start = body.index(ip_of(n))
        Sighting.objects.create(
            article=article,
            indicator=indicator,
            section="body",
            start=start,
            end=start + len(ip_of(n)),
            matched=ip_of(n),
            enricher="test",
            enricher_version="1",
        )
        Annotation.objects.create(
            article=article,
            author=editor,
            shared=True,
            body=f"{WORD} note on {label}",
            body_html=f"<p>{WORD} note on {label}</p>",
        )
        for person in (editor, approver):
            ArticleGrant.objects.create(article=article, user=person)
        briefs[label] = published(editor, approver, article, week=40 + n, title=f"{WORD} brief {label}")
        articles[label] = article
    return {"articles": articles, "briefs": briefs, "story": story, "editor": editor}


@pytest.fixture
def api(client):
    """``api(user, scope)``: the test client with a fresh token of ``user`` on every request."""

    class Api:
        def __init__(self, user, scope: str):
            self.token, self.plain = issue_token(user, name="test", scope=scope)
            self.user = user

        def _headers(self) -> dict:
            return bearer(self.plain)

        def get(self, path: str, data=None):
            return client.get(path, data, **self._headers())

        def post(self, path: str, data=None):
            return client.post(path, data or {}, content_type="application/json", **self._headers())

        def patch(self, path: str, data=None):
            return client.patch(path, data or {}, content_type="application/json", **self._headers())

        def delete(self, path: str):
            return client.delete(path, **self._headers())

    def make(user, scope: str = "read") -> Api:
        return Api(user, scope)

    return make
