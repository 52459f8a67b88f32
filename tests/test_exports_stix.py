"""STIX 2.1 exports: every bundle validates with stix2-validator, maps the findings as
docs/exports.md says, marks every object with TLP 2.0, and keeps its ids across exports."""

from __future__ import annotations

import json
import logging

import pytest
from django.http import StreamingHttpResponse
from stix2validator import ValidationOptions, validate_string

from api.exports import scope, stix
from api.tokens import issue_token
from articles.models import Article, Entity, Indicator, Sighting, Story
from tests import briefs_support
from tests.exports_support import enriched
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

# Deterministic (UUIDv5) ids are the point (103), and ATT&CK links carry no hash (302).
EXPECTED_WARNINGS = {"103", "302"}


def assert_valid(text: str) -> dict:
    results = validate_string(text, ValidationOptions(version="2.1"))
    assert results.is_valid, [str(e) for e in results.errors]
    unexpected = [
        w for w in (results.warnings or []) if not any(f"{{{c}}}" in str(w) for c in EXPECTED_WARNINGS)
    ]
    assert unexpected == []
    return json.loads(text)


def by_type(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for obj in bundle["objects"]:
        found.setdefault(obj["type"], []).append(obj)
    return found


def article_bundle(user, article) -> dict:
    return assert_valid(
        stix.bundle_text(scope.article_scope(user, article.pk), stix.report_for_article(article))
    )


def get(client, url: str, token: str, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def body(response) -> str:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_an_article_exports_as_a_valid_bundle_with_each_kind_of_finding(make_user):
    user = make_user("amber")
    article = enriched(tlp="green", source=SourceFactory(name="Vendor blog", reliability="B"))

    bundle = article_bundle(user, article)
    objects = by_type(bundle)

    assert [o["name"] for o in objects["intrusion-set"]] == ["APT28"]
    assert [o["name"] for o in objects["tool"]] == ["Mimikatz"]
    assert objects["malware"][0]["is_family"] is True
    (technique,) = objects["attack-pattern"]
    assert technique["external_references"][0]["source_name"] == "mitre-attack"
    assert technique["external_references"][0]["external_id"] == "T1059.001"
    (cve,) = objects["vulnerability"]
    assert cve["external_references"] == [{"source_name": "cve", "external_id": "CVE-2023-23397"}]
    assert [o["country"] for o in objects["location"]] == ["UA"]
    identities = {o["name"]: o["identity_class"] for o in objects["identity"]}
    assert identities == {"Intel Portal": "system", "Vendor blog": "organization", "Energy": "class"}
    patterns = sorted(o["pattern"] for o in objects["indicator"])
    # Known-benign values (google.com, the empty file's SHA-256) and hosts only taken from a
    # URL or e-mail address (evil-updates.com) are observables, never indicators.
    assert patterns == [
        "[email-addr:value = 'bad@evil-updates.com']",
        "[file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427f']",
        "[ipv4-addr:value = '185.220.101.47']",
        "[url:value = 'http://evil-updates.com/a.php']",
    ]
    domains = sorted(o["value"] for o in objects["domain-name"])
    assert domains == ["evil-updates.com", "google.com"]
    (report,) = objects["report"]
    others = {o["id"] for o in bundle["objects"] if o["type"] not in ("report", "marking-definition")}
    assert set(report["object_refs"]) == others
    assert report["created_by_ref"] == next(
        o["id"] for o in objects["identity"] if o["name"] == "Vendor blog"
    )


def test_every_object_carries_the_articles_tlp_2_marking(make_user):
    user = make_user("amber")
    bundle = article_bundle(user, enriched(tlp="amber"))

    markings = by_type(bundle)["marking-definition"]
    assert [m["id"] for m in markings] == [stix.TLP2_IDS["amber"]]
    assert markings[0]["extensions"][stix.TLP2_EXTENSION]["tlp_2_0"] == "amber"
    for obj in bundle["objects"]:
        if obj["type"] == "marking-definition":
            continue
        # The portal's own identity is public; everything from the article is AMBER.
        label = "clear" if obj["id"] == stix.PORTAL_ID else "amber"
        assert obj["object_marking_refs"] == [stix.TLP2_IDS[label]], obj["id"]


def test_relationships_come_only_from_articles_naming_one_actor_or_one_malware(make_user):
    user = make_user("clear")
    single = article_bundle(user, enriched())
    rels = {
        (r["relationship_type"], r["source_ref"].split("--")[0], r["target_ref"].split("--")[0])
        for r in by_type(single)["relationship"]
    }
    assert ("uses", "intrusion-set", "malware") in rels
    assert ("uses", "intrusion-set", "attack-pattern") in rels
    assert ("targets", "intrusion-set", "vulnerability") in rels
    assert ("targets", "intrusion-set", "location") in rels
    assert ("targets", "intrusion-set", "identity") in rels
    assert ("indicates", "indicator", "intrusion-set") in rels
    assert ("indicates", "indicator", "malware") in rels

    two_actors = enriched("APT28 and Lazarus Group both used Mimikatz from 185.220.101.99 this week.")
    bundle = article_bundle(user, two_actors)
    assert len(by_type(bundle)["intrusion-set"]) == 2
    assert "relationship" not in by_type(bundle)


def test_exporting_again_keeps_every_id(make_user):
    user = make_user("clear")
    article = enriched()
    first = {o["id"] for o in article_bundle(user, article)["objects"]}
    second = {o["id"] for o in article_bundle(user, article)["objects"]}
    assert first == second
    # The same value found by another article is the same object.
    other = enriched("The same C2 185.220.101.47 came back.")
    again = {
        o["id"] for o in article_bundle(user, other)["objects"] if o["type"] in ("indicator", "ipv4-addr")
    }
    assert again <= first


def test_a_value_that_cannot_form_a_valid_pattern_is_left_out_and_logged(make_user, caplog, monkeypatch):
    user = make_user("clear")
    article = enriched()
    stix._checked_pattern.cache_clear()
    real = stix.run_validator
    monkeypatch.setattr(
        stix, "run_validator", lambda p, **kw: ["bad"] if "185.220.101.47" in p else real(p, **kw)
    )
    with caplog.at_level(logging.WARNING, logger="api.exports.stix"):
        bundle = article_bundle(user, article)
    stix._checked_pattern.cache_clear()
    patterns = [o["pattern"] for o in by_type(bundle)["indicator"]]
    assert not any("185.220.101.47" in p for p in patterns) and len(patterns) == 3
    # Nothing refers to the indicator that was left out.
    ids = {o["id"] for o in bundle["objects"]}
    for rel in by_type(bundle)["relationship"]:
        assert rel["source_ref"] in ids and rel["target_ref"] in ids
    assert "185.220.101.47" in caplog.text


def test_a_hand_made_odd_value_still_validates(make_user):
    user = make_user("clear")
    article = enriched("Nothing here.")
    odd = Indicator.objects.create(type="url", value="http://quote.example.net/it's")
    Sighting.objects.create(
        article=article, indicator=odd, start=0, end=1, matched="x", enricher="t", enricher_version="1"
    )
    bundle = article_bundle(user, article)
    assert by_type(bundle)["indicator"][0]["pattern"] == "[url:value = 'http://quote.example.net/it\\'s']"


# ------------------------------------------------------------------------------- over HTTP


def test_the_article_download_streams_a_valid_bundle(client, make_user):
    user = make_user("green")
    article = enriched(tlp="green")
    _, token = issue_token(user, name="stix")

    response = get(client, f"/api/v1/exports/stix/articles/{article.pk}/", token)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    assert isinstance(response, StreamingHttpResponse)
    assert_valid(body(response))


def test_story_brief_and_search_downloads_validate(client, make_user):
    user = make_user("amber", "editor")
    approver = make_user("amber", "editor")
    first = enriched(tlp="clear")
    second = enriched("Lazarus Group reused 185.220.101.80.", tlp="green")
    story = Story.objects.create()
    Article.objects.filter(pk__in=[first.pk, second.pk]).update(story=story)
    first.refresh_from_db()
    _, token = issue_token(user, name="stix")

    story = body(get(client, f"/api/v1/exports/stix/stories/{first.story_id}/", token))
    report = by_type(assert_valid(story))["report"][0]
    assert report["object_marking_refs"] == [stix.TLP2_IDS["green"]]
    names = {o["name"] for o in by_type(json.loads(story))["intrusion-set"]}
    assert names == {"APT28", "Lazarus Group"}

    brief = briefs_support.published(user, approver, first)
    bundle = assert_valid(body(get(client, f"/api/v1/exports/stix/briefs/{brief.pk}/", token)))
    assert by_type(bundle)["report"][0]["name"] == brief.heading

    found = assert_valid(body(get(client, "/api/v1/exports/stix/search/", token, q="Lazarus")))
    assert {o["name"] for o in by_type(found)["intrusion-set"]} == {"Lazarus Group"}
    assert by_type(found)["report"][0]["name"] == "Search: Lazarus"


def test_a_search_with_bad_filters_is_a_400(client, make_user):
    _, token = issue_token(make_user("clear"), name="stix")
    response = get(client, "/api/v1/exports/stix/search/", token, published_from="not a date")
    assert response.status_code == 400
    assert "published_from" in response.json()["errors"]


def test_an_export_without_a_token_is_a_401_with_a_bearer_challenge(client):
    response = client.get("/api/v1/exports/stix/search/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_entity_names_can_be_any_text(make_user):
    user = make_user("clear")
    article = enriched("Nothing here.")
    entity = Entity.objects.create(kind="malware", name='Quote"s \\ and ünïcode', ref="misp-galaxy:malpedia")
    from articles.models import ArticleEntity

    ArticleEntity.objects.create(article=article, entity=entity)
    bundle = article_bundle(user, article)
    assert by_type(bundle)["malware"][0]["name"] == 'Quote"s \\ and ünïcode'


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("ipv4", "185.220.101.47"),
        ("url", "http://x.example/a'b"),
        ("sha256", "a" * 64),
        ("email", "a@b.example"),
    ],
)
def test_observable_ids_are_the_ones_stix2_computes(kind, value):
    import stix2

    factory = stix2.File if kind in stix.HASH_NAMES else stix.OBSERVABLES[kind]
    key = {"hashes": {stix.HASH_NAMES[kind]: value}} if kind in stix.HASH_NAMES else {"value": value}
    assert stix.observable_id(kind, value) == factory(**key).id


def test_an_object_keeps_its_created_in_every_export_and_reader(client, make_user):
    """STIX versions an object by id + modified and forbids created to change: the same
    value exported from two articles, their story and by readers of different clearance has
    one created; modified and first_seen/last_seen say what the export's articles say."""
    import datetime as dt

    early = enriched(tlp="clear", published_at=dt.datetime(2019, 3, 1, tzinfo=dt.UTC))
    late = enriched(tlp="amber", published_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC))
    story = Story.objects.create()
    Article.objects.filter(pk__in=[early.pk, late.pk]).update(story=story)
    clear_reader, amber_reader = make_user("clear"), make_user("amber")
    _, token = issue_token(amber_reader, name="stix")

    exports = [
        article_bundle(clear_reader, early),
        article_bundle(amber_reader, early),
        article_bundle(amber_reader, late),
        assert_valid(body(get(client, f"/api/v1/exports/stix/stories/{story.pk}/", token))),
    ]
    created: dict[str, set[str]] = {}
    for bundle in exports:
        for obj in bundle["objects"]:
            if "created" in obj:
                created.setdefault(obj["id"], set()).add(obj["created"])
    assert {i: c for i, c in created.items() if len(c) > 1} == {}

    def group(bundle: dict) -> dict:
        return next(o for o in by_type(bundle)["intrusion-set"] if o["name"] == "APT28")

    assert group(exports[0])["created"] == "1970-01-01T00:00:00.000Z"
    assert group(exports[0])["modified"].startswith("2019-03-01")
    assert group(exports[2])["modified"].startswith("2024-06-01")
    story_group = group(exports[3])
    assert story_group["first_seen"].startswith("2019-03-01")
    assert story_group["last_seen"].startswith("2024-06-01")
    # The article's report is created when the portal took the article in, whatever its date.
    report = by_type(exports[0])["report"][0]
    report_created = dt.datetime.fromisoformat(report["created"].replace("Z", "+00:00"))
    assert abs(report_created - early.ingested_at) < dt.timedelta(milliseconds=1)
    assert report["published"].startswith("2019-03-01")
