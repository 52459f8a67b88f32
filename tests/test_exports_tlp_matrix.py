"""The TLP matrix for every export surface: each clearance against one article per label
(RED with and without a grant), and revoked and expired tokens. Nothing from an article the
reader may not see appears anywhere — objects, object_refs, relationships, manifests,
hashes.csv, counts, pagination cursors, error messages — and what they may see does."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.utils import timezone

from api.exports import misp, stix, taxii
from api.tokens import issue_token, revoke_token
from articles.models import Article, ArticleGrant, Story
from articles.tlp import TLP_ORDER
from tests import briefs_support
from tests.exports_support import enriched

pytestmark = pytest.mark.django_db

SHARED_IP = "185.220.99.99"
IPS = {label: f"185.220.100.{i + 1}" for i, label in enumerate(TLP_ORDER)}


def marker(label: str) -> str:
    return f"Secret report {label.replace('+', ' strict ')} edition"


@pytest.fixture
def world(make_user):
    story = Story.objects.create()
    articles = {}
    for label in TLP_ORDER:
        articles[label] = enriched(
            f"APT28 ran its C2 at {IPS[label]} and {SHARED_IP} this week.", tlp=label, title=marker(label)
        )
    Article.objects.filter(pk__in=[a.pk for a in articles.values()]).update(story=story)
    editor = make_user("amber", "editor")
    brief = briefs_support.published(editor, make_user("amber", "editor"), articles["amber"])
    readers = {label: make_user(label) for label in TLP_ORDER if label != "red"}
    readers["red-no-grant"] = make_user("red")
    readers["red-grant"] = make_user("red")
    ArticleGrant.objects.create(article=articles["red"], user=readers["red-grant"])
    return {"articles": articles, "story": story, "brief": brief, "readers": readers}


def visible_labels(reader: str) -> list[str]:
    if reader == "red-grant":
        return list(TLP_ORDER)
    clearance = "amber+strict" if reader == "red-no-grant" else reader
    return TLP_ORDER[: TLP_ORDER.index(clearance) + 1]


def secrets_of(article) -> list[str]:
    """Every string that would show an article was exported: title, value, ids, hashes."""
    ip = IPS[article.tlp]
    return [
        article.title,
        ip,
        hashlib.md5(ip.encode()).hexdigest(),  # noqa: S324 (MISP's hashes.csv)
        stix.report_for_article(article).id,
        misp.event_uuid("article", article.pk),
        stix.sdo_id("indicator", stix.pattern_for("ipv4", ip)),
    ]


def read(client, url: str, token: str, **params) -> tuple[int, str]:
    response = client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="*/*")
    if hasattr(response, "streaming_content"):
        return response.status_code, b"".join(response.streaming_content).decode()
    return response.status_code, response.content.decode()


def taxii_pages(client, token: str, label: str, endpoint: str, version: str = "last") -> list[str]:
    base = f"/api/v1/taxii2/root/collections/{taxii.collection_id(label)}/{endpoint}/"
    first = {"limit": "3", "match[version]": version}
    bodies, params = [], first
    while True:
        status, body = read(client, base, token, **params)
        assert status == 200
        bodies.append(body)
        page = json.loads(body)
        if not page.get("more"):
            return bodies
        params = {**first, "next": page["next"]}


def every_surface(client, token: str, world) -> dict[str, tuple[int, str]]:
    a = world["articles"]
    out = {
        "stix-story": read(client, f"/api/v1/exports/stix/stories/{world['story'].pk}/", token),
        "stix-search": read(client, "/api/v1/exports/stix/search/", token),
        "stix-search-q": read(client, "/api/v1/exports/stix/search/", token, q="APT28"),
        "stix-brief": read(client, f"/api/v1/exports/stix/briefs/{world['brief'].pk}/", token),
        "misp-brief": read(client, f"/api/v1/exports/misp/briefs/{world['brief'].pk}/", token),
        "feed-manifest": read(client, "/api/v1/exports/misp/feed/manifest.json", token, days="3650"),
        "feed-hashes": read(client, "/api/v1/exports/misp/feed/hashes.csv", token, days="3650"),
        "blocklist-txt": read(client, "/api/v1/exports/blocklists/ipv4.txt", token),
        "blocklist-csv": read(client, "/api/v1/exports/blocklists/ipv4.csv", token),
        "taxii-collections": read(client, "/api/v1/taxii2/root/collections/", token),
    }
    for label, article in a.items():
        out[f"stix-article-{label}"] = read(client, f"/api/v1/exports/stix/articles/{article.pk}/", token)
        out[f"misp-article-{label}"] = read(client, f"/api/v1/exports/misp/articles/{article.pk}/", token)
        uid = misp.event_uuid("article", article.pk)
        out[f"feed-event-{label}"] = read(client, f"/api/v1/exports/misp/feed/{uid}.json", token)
        out[f"taxii-collection-{label}"] = read(
            client, f"/api/v1/taxii2/root/collections/{taxii.collection_id(label)}/", token
        )
    return out


READERS = [*(label for label in TLP_ORDER if label != "red"), "red-no-grant", "red-grant"]


@pytest.mark.parametrize("reader", READERS)
def test_no_export_shows_an_article_the_reader_cannot_see(client, world, reader):
    user = world["readers"][reader]
    _, token = issue_token(user, name="matrix")
    seen = visible_labels(reader)
    hidden = [label for label in TLP_ORDER if label not in seen]
    surfaces = every_surface(client, token, world)
    for label in seen:
        surfaces[f"taxii-objects-{label}"] = (200, "".join(taxii_pages(client, token, label, "objects")))
        surfaces[f"taxii-manifest-{label}"] = (200, "".join(taxii_pages(client, token, label, "manifest")))
        # Every version, and the earliest: each is decided among the articles the reader may read.
        for version in ("all", "first"):
            pages = taxii_pages(client, token, label, "objects", version)
            surfaces[f"taxii-objects-{label}-{version}"] = (200, "".join(pages))

    missing = {}
    for name, (_status, body) in surfaces.items():
        for label in hidden:
            for secret in secrets_of(world["articles"][label]):
                assert secret not in body, f"{reader}: {name} shows {label} ({secret})"
    # What they may see is there, so the test can fail.
    everything = "".join(body for _status, body in surfaces.values())
    for label in seen:
        missing[label] = [s for s in secrets_of(world["articles"][label]) if s not in everything]
    assert all(not found for found in missing.values()), missing

    # A hidden article, a hidden collection: the same answer as one that does not exist.
    nothing = read(client, "/api/v1/exports/stix/articles/999999999/", token)
    no_event = read(client, f"/api/v1/exports/misp/feed/{misp.event_uuid('article', 999999999)}.json", token)
    no_collection = read(
        client, "/api/v1/taxii2/root/collections/00000000-0000-0000-0000-000000000000/", token
    )
    for label in hidden:
        assert surfaces[f"stix-article-{label}"] == nothing
        assert surfaces[f"misp-article-{label}"] == nothing
        assert surfaces[f"feed-event-{label}"] == no_event
        if reader not in ("red-no-grant",) or label != "red":
            assert surfaces[f"taxii-collection-{label}"] == no_collection
    brief_readable = "amber" in seen
    assert surfaces["stix-brief"][0] == (200 if brief_readable else 404)
    assert surfaces["misp-brief"][0] == (200 if brief_readable else 404)

    # Counts: the indicator every article names is counted only in the articles they see.
    csv_rows = [line.split(",") for line in surfaces["blocklist-csv"][1].splitlines()[1:]]
    shared = next(row for row in csv_rows if row[0] == SHARED_IP)
    assert shared[4] == str(len(seen))
    assert shared[5] == seen[-1]
    collections = json.loads(surfaces["taxii-collections"][1])["collections"]
    listed = [c["id"] for c in collections]
    clearance = user.clearance
    assert listed == [taxii.collection_id(label) for label in TLP_ORDER[: TLP_ORDER.index(clearance) + 1]]


@pytest.mark.parametrize("how", ["revoked", "expired", "malformed"])
def test_unusable_tokens_get_the_same_401_on_every_surface(client, world, how):
    user = world["readers"]["red-grant"]
    if how == "expired":
        _, token = issue_token(user, name="old", expires_at=timezone.now() - dt.timedelta(minutes=1))
    else:
        token_row, token = issue_token(user, name="gone")
        if how == "revoked":
            revoke_token(token_row, by=user)
        else:
            token = token[:-3] + "xyz"
    surfaces = every_surface(client, token, world)
    answers = {body for status, body in surfaces.values() if status == 401}
    assert all(status == 401 for status, _body in surfaces.values()), {
        name: status for name, (status, _b) in surfaces.items() if status != 401
    }
    # Two bodies at most: JSON and TAXII's error format (and the plain text of blocklists).
    assert len(answers) <= 3
    for body in answers:
        for article in world["articles"].values():
            for secret in secrets_of(article):
                assert secret not in body


def test_a_grant_taken_back_takes_the_red_article_out_of_the_next_export(client, world):
    user = world["readers"]["red-grant"]
    _, token = issue_token(user, name="matrix")
    red = world["articles"]["red"]
    assert IPS["red"] in read(client, "/api/v1/exports/blocklists/ipv4.txt", token)[1]
    ArticleGrant.objects.filter(article=red, user=user).delete()
    assert IPS["red"] not in read(client, "/api/v1/exports/blocklists/ipv4.txt", token)[1]
    assert read(client, f"/api/v1/exports/stix/articles/{red.pk}/", token)[0] == 404
