"""MISP exports: an article or a brief as a MISPEvent that loads back, with the right types,
to_ids only for what is worth detecting, galaxy, TLP and Admiralty tags; and the MISP feed."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pymisp import MISPEvent

from api.exports import misp
from api.tokens import issue_token
from tests import briefs_support
from tests.exports_support import enriched
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def get(client, url: str, token: str, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {token}")


def text(response) -> str:
    if hasattr(response, "streaming_content"):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def loaded(payload: str | dict) -> MISPEvent:
    event = MISPEvent()
    event.load(payload)
    return event


def test_an_article_exports_as_an_event_that_loads_back(client, make_user):
    user = make_user("amber")
    article = enriched(
        tlp="amber", source=SourceFactory(name="Vendor blog", reliability="B"), url="https://v.example/a"
    )
    _, token = issue_token(user, name="misp")

    response = get(client, f"/api/v1/exports/misp/articles/{article.pk}/", token)
    assert response.status_code == 200
    event = loaded(response.json())

    assert event.info == article.title
    assert event.uuid == misp.event_uuid("article", article.pk)
    tags = {t.name for t in event.tags}
    assert {"tlp:amber", 'admiralty-scale:source-reliability="b"', 'misp-galaxy:threat-actor="APT28"'} <= tags
    assert 'misp-galaxy:mitre-attack-pattern="Command and Scripting Interpreter: PowerShell"' in tags
    attributes = {(a.type, a.value): a for a in event.attributes}
    assert attributes[("ip-dst", "185.220.101.47")].to_ids is True
    assert attributes[("url", "http://evil-updates.com/a.php")].to_ids is True
    assert attributes[("email-src", "bad@evil-updates.com")].to_ids is True
    # Known benign, derived from a URL or e-mail, or a CVE: context, not detection.
    assert attributes[("domain", "google.com")].to_ids is False
    assert "benign" in attributes[("domain", "google.com")].comment
    assert attributes[("domain", "evil-updates.com")].to_ids is False
    assert "taken from" in attributes[("domain", "evil-updates.com")].comment
    assert attributes[("vulnerability", "CVE-2023-23397")].to_ids is False
    assert ("link", "https://v.example/a") in attributes
    assert any(a.type == "text" for a in event.attributes)


def test_the_event_uuid_names_its_article_or_brief_and_nothing_else():
    uid = misp.event_uuid("brief", 42)
    assert misp.parse_event_uuid(uid) == ("brief", 42)
    assert misp.parse_event_uuid(misp.event_uuid("article", 7)) == ("article", 7)
    assert misp.parse_event_uuid("00000000-0000-0000-0000-000000000000") is None
    assert misp.parse_event_uuid("not-a-uuid") is None


def test_a_brief_exports_as_an_event_with_every_cited_articles_findings(client, make_user):
    editor = make_user("green", "editor")
    approver = make_user("green", "editor")
    first = enriched(tlp="clear", url="https://one.example/a")
    second = enriched("Lazarus Group reused 185.220.101.80.", tlp="green", url="https://two.example/b")
    brief = briefs_support.published(editor, approver, first, second)
    _, token = issue_token(editor, name="misp")

    event = loaded(get(client, f"/api/v1/exports/misp/briefs/{brief.pk}/", token).json())

    assert event.info == brief.heading
    assert "tlp:green" in {t.name for t in event.tags}
    values = {a.value for a in event.attributes}
    assert {"185.220.101.47", "185.220.101.80", "https://one.example/a", "https://two.example/b"} <= values


def test_the_feed_lists_manifest_hashes_and_events_a_misp_instance_can_pull(client, make_user):
    user = make_user("green")
    article = enriched(tlp="green")
    enriched("Nothing to block here, only CVE-2024-3400.", tlp="clear")
    _, token = issue_token(user, name="feed")

    manifest = json.loads(text(get(client, "/api/v1/exports/misp/feed/manifest.json", token, days=3650)))
    uid = misp.event_uuid("article", article.pk)
    assert list(manifest) == [uid]  # the CVE-only article carries nothing to detect
    assert manifest[uid]["info"] == article.title
    assert {"name": "tlp:green"} in [{"name": t["name"]} for t in manifest[uid]["Tag"]]

    rows = list(
        csv.reader(io.StringIO(text(get(client, "/api/v1/exports/misp/feed/hashes.csv", token, days=3650))))
    )
    assert rows and all(row[1] == uid for row in rows)
    import hashlib

    assert [hashlib.md5(b"185.220.101.47").hexdigest(), uid] in rows  # noqa: S324

    event = loaded(get(client, f"/api/v1/exports/misp/feed/{uid}.json", token).json())
    assert event.uuid == uid
    assert (
        get(client, f"/api/v1/exports/misp/feed/{misp.event_uuid('article', 999999)}.json", token).status_code
        == 404
    )


def test_the_feed_window_is_misp_feed_days_unless_the_subscriber_asks(client, make_user, settings):
    import datetime as dt

    from django.utils import timezone

    article = enriched(tlp="clear", published_at=timezone.now() - dt.timedelta(days=10))
    uid = misp.event_uuid("article", article.pk)
    _, token = issue_token(make_user("clear"), name="feed")

    def listed(**params) -> list[str]:
        return list(json.loads(text(get(client, "/api/v1/exports/misp/feed/manifest.json", token, **params))))

    settings.MISP_FEED_DAYS = 5
    assert listed() == []
    assert listed(days=30) == [uid]
    settings.MISP_FEED_DAYS = 30
    assert listed() == [uid]
    assert listed(days=5) == []
    assert listed(days="ten") == [uid]  # not a number: the configured window
