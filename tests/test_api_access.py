# ruff: noqa: F811 (the fixtures of tests/api_support.py are imported, then named as arguments)
"""The TLP matrix for every API endpoint: each clearance against each label, RED with and
without a grant. Nothing of an article above the reader's clearance may appear — not in
objects, counts, page cursors or error messages — and a hidden object's URL answers exactly
as a missing one does."""

from __future__ import annotations

import json
import re

import pytest

from articles.models import ArticleGrant, Source
from articles.tlp import TLP_ORDER
from tests.api_support import WORD, api, slug, traces, world  # noqa: F401 (fixtures)
from tests.test_access import READABLE

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
MISSING = 10**12
# (clearance, RED grant) — RED clearance reads RED articles only with a grant.
READERS = [(clearance, False) for clearance in TLP_ORDER] + [("red", True)]


def readable(clearance: str, granted: bool) -> set[str]:
    return READABLE[clearance] | ({"red"} if granted else set())


@pytest.fixture
def reader(world, make_user):
    def make(clearance: str, granted: bool, role: str = "analyst"):
        user = make_user(clearance, role)
        if granted:
            ArticleGrant.objects.create(article=world["articles"]["red"], user=user)
        return user

    return make


def every_page(client, path: str, params: dict | None = None) -> tuple[list[dict], str]:
    """All results of a list, one per page (so every cursor is exercised), and all the bodies."""
    results, bodies = [], []
    response = client.get(path, {**(params or {}), "page_size": 1})
    while True:
        assert response.status_code == 200, (path, response.content)
        bodies.append(response.content.decode())
        page = response.json()
        results += page["results"]
        if not page["next"]:
            return results, "\n".join(bodies)
        response = client.get(page["next"])


def detail_paths(world) -> dict[str, dict[str, str]]:
    """Per label, the URL of each object that hangs off that label's article."""
    from articles.models import Entity, Indicator
    from workspace.models import Annotation

    paths = {}
    for label, article in world["articles"].items():
        entity = Entity.objects.get(article_links__article=article)
        indicator = Indicator.objects.get(sightings__article=article)
        note = Annotation.objects.get(article=article)
        paths[label] = {
            "article": f"{V1}/articles/{article.pk}/",
            "article-tags": f"{V1}/articles/{article.pk}/tags/",
            "entity": f"{V1}/entities/{entity.pk}/",
            "indicator": f"{V1}/indicators/{indicator.pk}/",
            "annotation": f"{V1}/annotations/{note.pk}/",
            "brief": f"{V1}/briefs/{world['briefs'][label].pk}/",
        }
    return paths


def missing_path(path: str) -> str:
    return re.sub(r"/\d+/", f"/{MISSING}/", path, count=1)


@pytest.mark.parametrize(("clearance", "granted"), READERS)
def test_lists_and_their_pages_show_only_what_the_reader_may_read(world, api, reader, clearance, granted):
    client = api(reader(clearance, granted))
    expected = readable(clearance, granted)
    hidden = [label for label in TLP_ORDER if label not in expected]
    everything = []
    lists = {
        "articles": every_page(client, f"{V1}/articles/"),
        "search": every_page(client, f"{V1}/articles/", {"q": WORD}),
        "entities": every_page(client, f"{V1}/entities/"),
        "indicators": every_page(client, f"{V1}/indicators/"),
        "stories": every_page(client, f"{V1}/stories/"),
        "annotations": every_page(client, f"{V1}/annotations/"),
        "briefs": every_page(client, f"{V1}/briefs/"),
    }
    for name, (results, body) in lists.items():
        everything.append(body)
        if name == "stories":
            assert len(results) == 1
            story = results[0]
            assert story["articles"] == len(expected)
            # The RED report came first: it is the story's title only for who may read it.
            first = "red" if "red" in expected else min(expected, key=TLP_ORDER.index)
            assert story["title"] == f"{WORD} story marked {first}"
        else:
            assert len(results) == len(expected), (name, clearance, granted)
    titles = {row["title"] for row in lists["articles"][0]}
    assert titles == {f"{WORD} story marked {label}" for label in expected}
    indicators = lists["indicators"][0]
    assert all(row["sightings"] == 1 and row["articles"] == 1 for row in indicators)
    story = client.get(f"{V1}/stories/{world['story'].pk}/")
    assert [r["tlp"] for r in story.json()["reports"]] == [
        label for label in ["red", *TLP_ORDER[:-1]] if label in expected
    ]
    everything.append(story.content.decode())
    everything.append(client.get(f"{V1}/me/").content.decode())
    text = "\n".join(everything)
    for label in hidden:
        for trace in traces(label):
            assert trace not in text, (clearance, granted, label, trace)


@pytest.mark.parametrize(("clearance", "granted"), READERS)
def test_a_hidden_objects_url_answers_like_a_missing_one(world, api, reader, clearance, granted):
    client = api(reader(clearance, granted))
    expected = readable(clearance, granted)
    for label, paths in detail_paths(world).items():
        for what, path in paths.items():
            response = client.get(path)
            if label in expected:
                assert response.status_code == 200, (what, label, response.content)
                continue
            missing = client.get(missing_path(path))
            assert response.status_code == missing.status_code == 404, (what, label)
            assert response.content == missing.content, (what, label)
            for trace in traces(label):
                assert trace not in response.content.decode()


@pytest.mark.parametrize(("clearance", "granted"), READERS)
def test_filters_on_hidden_things_find_nothing_and_say_nothing(world, api, reader, clearance, granted):
    from articles.models import Entity

    client = api(reader(clearance, granted))
    expected = readable(clearance, granted)
    for label, article in world["articles"].items():
        visible = label in expected
        entity = Entity.objects.get(article_links__article=article)
        queries = [
            ("articles", {"tag": f"{WORD}-tag-{slug(label)}"}),
            ("articles", {"entity": entity.pk}),
            ("articles", {"q": f"tag:{WORD}-tag-{slug(label)}"}),
            ("articles", {"q": f"ioc:198.51.100.{TLP_ORDER.index(label) + 10}"}),
            ("indicators", {"article": article.pk}),
            ("annotations", {"article": article.pk}),
        ]
        for endpoint, params in queries:
            response = client.get(f"{V1}/{endpoint}/", params)
            assert response.status_code == 200, (endpoint, params, response.content)
            assert len(response.json()["results"]) == (1 if visible else 0), (endpoint, params, label)
        # A hidden article's source is refused exactly like a source that does not exist.
        source = client.get(f"{V1}/articles/", {"source": article.source_id})
        if visible:
            assert len(source.json()["results"]) == 1
        else:
            nowhere = client.get(f"{V1}/articles/", {"source": MISSING})
            assert source.status_code == nowhere.status_code == 400
            assert source.json()["source"][0].replace(str(article.source_id), "N") == nowhere.json()[
                "source"
            ][0].replace(str(MISSING), "N")
            assert Source.objects.get(pk=article.source_id).name not in source.content.decode()


@pytest.mark.parametrize(("clearance", "granted"), READERS)
def test_writes_on_hidden_articles_answer_like_missing_ones(world, api, reader, clearance, granted):
    from workspace.models import Annotation

    client = api(reader(clearance, granted), "read-write")
    expected = readable(clearance, granted)
    for label, article in world["articles"].items():
        if label in expected:
            continue
        note = Annotation.objects.get(article=article)
        pairs = [
            (
                client.post(f"{V1}/articles/{article.pk}/tags/", {"name": "x"}),
                client.post(f"{V1}/articles/{MISSING}/tags/", {"name": "x"}),
            ),
            (
                client.delete(f"{V1}/articles/{article.pk}/tags/{article.article_tags.get().tag_id}/"),
                client.delete(f"{V1}/articles/{MISSING}/tags/1/"),
            ),
            (
                client.post(f"{V1}/annotations/", {"article": article.pk, "body": "x"}),
                client.post(f"{V1}/annotations/", {"article": MISSING, "body": "x"}),
            ),
            (
                client.post(f"{V1}/annotations/", {"parent": note.pk, "body": "x"}),
                client.post(f"{V1}/annotations/", {"parent": MISSING, "body": "x"}),
            ),
            (
                client.patch(f"{V1}/annotations/{note.pk}/", {"body": "x"}),
                client.patch(f"{V1}/annotations/{MISSING}/", {"body": "x"}),
            ),
            (client.delete(f"{V1}/annotations/{note.pk}/"), client.delete(f"{V1}/annotations/{MISSING}/")),
        ]
        for hidden, missing in pairs:
            assert hidden.status_code == missing.status_code, (label, hidden.content, missing.content)
            assert hidden.status_code in (400, 404)
            assert hidden.content == missing.content
        assert article.article_tags.count() == 1
        assert Annotation.objects.filter(article=article).count() == 1
        assert Annotation.objects.get(pk=note.pk).body == f"{WORD} note on {label}"


def test_a_token_loses_an_article_the_moment_its_users_clearance_drops(world, api, make_user):
    user = make_user("amber")
    client = api(user)
    path = f"{V1}/articles/{world['articles']['amber'].pk}/"
    assert client.get(path).status_code == 200
    user.clearance = "green"
    user.save(update_fields=["clearance"])
    assert client.get(path).status_code == 404
    assert f"{WORD} story marked amber" not in client.get(f"{V1}/articles/").content.decode()


def test_a_token_loses_a_red_article_the_moment_the_grant_goes(world, api, make_user):
    user = make_user("red")
    grant = ArticleGrant.objects.create(article=world["articles"]["red"], user=user)
    client = api(user)
    path = f"{V1}/articles/{world['articles']['red'].pk}/"
    assert client.get(path).status_code == 200
    assert len(client.get(f"{V1}/briefs/").json()["results"]) == 5
    grant.delete()
    assert client.get(path).status_code == 404
    assert len(client.get(f"{V1}/briefs/").json()["results"]) == 4


def test_a_deactivated_user_s_token_stops_working(world, api, make_user):
    user = make_user("amber")
    client = api(user)
    assert client.get(f"{V1}/articles/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(f"{V1}/articles/").status_code == 401


def test_saved_searches_are_their_owners_alone(world, api, make_user):
    owner, other = make_user("red"), make_user("red")
    mine = api(owner, "read-write").post(f"{V1}/saved-searches/", {"name": "mine", "query": f"q={WORD}"})
    assert mine.status_code == 201, mine.content
    theirs = api(other, "read-write")
    assert theirs.get(f"{V1}/saved-searches/").json()["results"] == []
    own_id = mine.json()["id"]
    missing = theirs.get(f"{V1}/saved-searches/{MISSING}/")
    assert theirs.get(f"{V1}/saved-searches/{own_id}/").content == missing.content
    assert theirs.delete(f"{V1}/saved-searches/{own_id}/").status_code == 404


def test_private_notes_are_their_authors_alone(world, api, make_user):
    author, other = make_user("red"), make_user("red")
    article = world["articles"]["clear"]
    created = api(author, "read-write").post(
        f"{V1}/annotations/", {"article": article.pk, "body": "private thought"}
    )
    assert created.status_code == 201
    reader = api(other, "read-write")
    assert "private thought" not in reader.get(f"{V1}/annotations/").content.decode()
    note = f"{V1}/annotations/{created.json()['id']}/"
    assert reader.get(note).content == reader.get(missing_path(note)).content
    assert reader.delete(note).status_code == 404


def test_a_shared_note_is_read_by_others_but_changed_only_by_its_author(world, api, make_user):
    author, other = make_user("amber"), make_user("amber")
    article = world["articles"]["clear"]
    created = api(author, "read-write").post(
        f"{V1}/annotations/", {"article": article.pk, "body": "shared thought", "shared": True}
    )
    reader = api(other, "read-write")
    note = f"{V1}/annotations/{created.json()['id']}/"
    assert reader.get(note).json()["body"] == "shared thought"
    assert reader.get(note).json()["mine"] is False
    assert reader.patch(note, {"body": "defaced"}).status_code == 403
    assert reader.delete(note).status_code == 403
    assert reader.get(note).json()["body"] == "shared thought"
    reply = reader.post(f"{V1}/annotations/", {"parent": created.json()["id"], "body": "a reply"})
    assert reply.status_code == 201 and reply.json()["parent"] == created.json()["id"]


def test_nothing_hidden_in_the_schema_or_error_bodies(world, api, make_user):
    client = api(make_user("clear"))
    bodies = [
        client.get(f"{V1}/schema/", {"format": "json"}).content.decode(),
        client.get(f"{V1}/articles/", {"after": "garbage"}).content.decode(),
        client.get(f"{V1}/entities/", {"cursor": "garbage"}).content.decode(),
        json.dumps(client.get(f"{V1}/articles/", {"tlp": "red"}).json()),
    ]
    for label in TLP_ORDER[1:]:
        for trace in traces(label):
            assert all(trace not in body for body in bodies), trace


def every_get_path(world) -> list[str]:
    paths = [
        f"{V1}/me/",
        f"{V1}/articles/",
        f"{V1}/entities/",
        f"{V1}/indicators/",
        f"{V1}/stories/",
        f"{V1}/stories/{world['story'].pk}/",
        f"{V1}/annotations/",
        f"{V1}/saved-searches/",
        f"{V1}/briefs/",
        f"{V1}/schema/",
    ]
    return paths + [path for group in detail_paths(world).values() for path in group.values()]


@pytest.mark.parametrize("state", ["revoked", "expired"])
def test_revoked_and_expired_tokens_open_nothing(world, api, make_user, state):
    import datetime as dt

    from django.utils import timezone

    from api.models import ApiToken
    from api.tokens import revoke_token

    user = make_user("red")
    ArticleGrant.objects.create(article=world["articles"]["red"], user=user)
    client = api(user, "read-write")
    assert client.get(f"{V1}/articles/").status_code == 200
    if state == "revoked":
        revoke_token(client.token, by=user)
    else:
        ApiToken.objects.filter(pk=client.token.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    bodies = set()
    for path in every_get_path(world):
        response = client.get(path)
        assert response.status_code == 401, path
        if not path.endswith("/schema/"):  # the schema answers in YAML, saying the same
            bodies.add(response.content)
    article = world["articles"]["clear"]
    for response in (
        client.post(f"{V1}/articles/{article.pk}/tags/", {"name": "x"}),
        client.post(f"{V1}/annotations/", {"article": article.pk, "body": "x"}),
        client.post(f"{V1}/saved-searches/", {"name": "x", "query": "q=x"}),
    ):
        assert response.status_code == 401
        bodies.add(response.content)
    assert bodies == {b'{"detail":"Invalid or expired token."}'}
    assert article.article_tags.count() == 1


def test_a_read_only_token_is_refused_every_write(world, api, make_user):
    from workspace.models import Annotation, SavedSearch

    user = make_user("amber")
    writer = api(user, "read-write")
    article = world["articles"]["clear"]
    note = writer.post(f"{V1}/annotations/", {"article": article.pk, "body": "mine"}).json()["id"]
    search = writer.post(f"{V1}/saved-searches/", {"name": "s", "query": "q=x"}).json()["id"]
    tag_id = article.article_tags.get().tag_id
    reader = api(user, "read")
    writes = [
        reader.post(f"{V1}/articles/{article.pk}/tags/", {"name": "x"}),
        reader.delete(f"{V1}/articles/{article.pk}/tags/{tag_id}/"),
        reader.post(f"{V1}/annotations/", {"article": article.pk, "body": "x"}),
        reader.patch(f"{V1}/annotations/{note}/", {"body": "changed"}),
        reader.delete(f"{V1}/annotations/{note}/"),
        reader.post(f"{V1}/saved-searches/", {"name": "t", "query": "q=y"}),
        reader.delete(f"{V1}/saved-searches/{search}/"),
    ]
    for response in writes:
        assert response.status_code == 403, response.content
        assert response.json() == {"detail": "This token is read-only; writing needs a read-write token."}
    assert article.article_tags.count() == 1
    assert Annotation.objects.get(pk=note).body == "mine"
    assert SavedSearch.objects.filter(user=user).count() == 1


def test_a_signed_in_browser_reads_the_api_but_cannot_write_through_it(world, client, make_user):
    user = make_user("amber")
    client.force_login(user)
    article = world["articles"]["clear"]
    assert client.get(f"{V1}/articles/{article.pk}/").status_code == 200
    response = client.post(
        f"{V1}/articles/{article.pk}/tags/", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert article.article_tags.count() == 1
