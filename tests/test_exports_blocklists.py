"""Blocklists: plain text and CSV of non-benign indicators by type, with filters, streamed,
and answered 304 while nothing the caller would receive has changed."""

from __future__ import annotations

import csv
import io

import pytest
from django.http import StreamingHttpResponse

from api.exports import blocklists
from api.tokens import issue_token
from tests.exports_support import enriched
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(make_user):
    _, plain = issue_token(make_user("amber"), name="firewall")
    return plain


def fetch(client, token: str, path: str, headers: dict | None = None, **params):
    return client.get(
        f"/api/v1/exports/blocklists/{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}", **(headers or {})
    )


def lines(response) -> list[str]:
    assert isinstance(response, StreamingHttpResponse)
    body = b"".join(response.streaming_content).decode()
    return [line for line in body.splitlines() if line and not line.startswith("#")]


def test_a_text_blocklist_holds_the_values_written_and_not_benign(client, token):
    enriched()
    assert lines(fetch(client, token, "domain.txt")) == []  # google.com is benign, evil-updates.com derived
    assert lines(fetch(client, token, "domain.txt", derived="1")) == ["evil-updates.com"]
    assert lines(fetch(client, token, "ipv4.txt")) == ["185.220.101.47"]
    assert lines(fetch(client, token, "url.txt")) == ["http://evil-updates.com/a.php"]


def test_the_csv_says_when_and_how_often_and_the_highest_label(client, token):
    enriched(tlp="clear")
    enriched("Seen again: 185.220.101.47.", tlp="amber")
    response = fetch(client, token, "ipv4.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["value"], r["articles"], r["tlp"]) for r in rows] == [("185.220.101.47", "2", "amber")]
    assert list(rows[0]) == blocklists.CSV_COLUMNS


def test_filters_since_source_tlp_and_reliability(client, token):
    import datetime as dt

    good = SourceFactory(name="Good", reliability="A")
    poor = SourceFactory(name="Poor", reliability="E")
    enriched(
        "C2 at 185.220.101.1.", source=good, tlp="clear", published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    enriched(
        "C2 at 185.220.101.2.", source=poor, tlp="amber", published_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    )

    assert lines(fetch(client, token, "ipv4.txt", since="2026-02-01")) == ["185.220.101.2"]
    assert lines(fetch(client, token, "ipv4.txt", source=str(good.pk))) == ["185.220.101.1"]
    assert lines(fetch(client, token, "ipv4.txt", tlp="green")) == ["185.220.101.1"]
    assert lines(fetch(client, token, "ipv4.txt", reliability="B")) == ["185.220.101.1"]
    assert lines(fetch(client, token, "ipv4.txt")) == ["185.220.101.1", "185.220.101.2"]


@pytest.mark.parametrize(
    "params", [{"since": "yesterday"}, {"source": "x"}, {"tlp": "purple"}, {"reliability": "Z"}]
)
def test_a_bad_filter_is_a_400_naming_the_parameter(client, token, params):
    response = fetch(client, token, "ipv4.txt", **params)
    assert response.status_code == 400
    assert next(iter(params)) in response.content.decode()


def test_an_unknown_type_is_a_404(client, token):
    assert fetch(client, token, "cve.txt").status_code == 404


def test_etag_and_last_modified_give_304_until_the_list_changes(client, token):
    enriched()
    first = fetch(client, token, "ipv4.txt")
    etag, modified = first["ETag"], first["Last-Modified"]
    lines(first)

    again = fetch(client, token, "ipv4.txt", headers={"HTTP_IF_NONE_MATCH": etag})
    assert again.status_code == 304 and again["ETag"] == etag
    assert fetch(client, token, "ipv4.txt", headers={"HTTP_IF_MODIFIED_SINCE": modified}).status_code == 304
    # Another format or filter is another list.
    assert fetch(client, token, "ipv4.csv", headers={"HTTP_IF_NONE_MATCH": etag}).status_code == 200

    enriched("New C2 185.220.101.9.")
    changed = fetch(client, token, "ipv4.txt", headers={"HTTP_IF_NONE_MATCH": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "185.220.101.9" in lines(changed)
