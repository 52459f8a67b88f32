"""The same story from several sources is one row, with its corroboration, never leaking."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from articles.ingest.upsert import IncomingArticle, upsert_article
from articles.models import Article
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
STORIES = Path(__file__).parent / "ingest" / "fixtures" / "stories"


def ingest(
    source_name: str, guid: str, text: str, *, url: str = "", tlp: str = "clear", day: int = 1
) -> Article:
    source = SourceFactory(name=source_name)
    incoming = IncomingArticle(
        guid=guid,
        title=text.split(".")[0][:80],
        url=url,
        published_at=dt.datetime(2026, 5, day, tzinfo=dt.UTC),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        body_text=text,
        tlp=tlp,
    )
    with transaction.atomic():
        article, _ = upsert_article(source, incoming)
    return article


def story_text(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text()


def test_a_syndicated_rewrite_joins_the_original_story():
    original = ingest("Wire", "a", story_text("hospital_ransomware"), day=1)
    copy = ingest("Daily", "b", story_text("hospital_ransomware_syndicated"), day=2)
    assert copy.story_id == original.story_id


def test_different_stories_on_the_same_topic_stay_apart():
    hospital = ingest("Wire", "a", story_text("hospital_ransomware"))
    school = ingest("Wire", "b", story_text("school_ransomware"))
    pharmacy = ingest("Daily", "c", story_text("pharmacy_ransomware"))
    assert len({hospital.story_id, school.story_id, pharmacy.story_id}) == 3


def test_the_same_canonical_url_from_two_sources_is_one_story():
    first = ingest("Wire", "a", "Totally different words here about one thing.", url="https://news.example/x")
    second = ingest("Daily", "b", "Nothing alike in this text at all, none.", url="https://news.example/x")
    assert first.story_id == second.story_id


def test_list_shows_one_row_per_story_with_first_reporter_and_corroboration(client, make_user):
    ingest("Wire", "a", story_text("hospital_ransomware"), day=1)
    ingest("Daily", "b", story_text("hospital_ransomware_syndicated"), day=3)
    ingest("Wire", "c", story_text("vpn_vulnerability"), day=2)
    client.force_login(make_user("amber"))
    response = client.get(reverse("articles:list"))
    rows = response.context["page"].items
    # Two rows (one per story); the count is of matching articles.
    assert len(rows) == 2 and response.context["count"] == 3
    lead = next(r for r in rows if r.story_articles == 2)
    assert lead.source.name == "Wire" and lead.story_sources == 2
    assert b"+1 more report" in response.content and b"first reported by Wire" in response.content


def test_a_restricted_version_is_neither_counted_nor_shown(client, make_user):
    open_one = ingest("Wire", "a", story_text("hospital_ransomware"), day=2)
    ingest("Partner", "b", story_text("hospital_ransomware_syndicated"), tlp="red", day=1)
    client.force_login(make_user("amber"))
    response = client.get(reverse("articles:list"))
    (row,) = response.context["page"].items
    assert row.pk == open_one.pk and row.story_articles == 1
    assert b"more report" not in response.content
    story = client.get(reverse("articles:story", args=[open_one.story_id]))
    assert [a.pk for a in story.context["versions"]] == [open_one.pk]


def test_story_of_only_restricted_articles_is_404(client, make_user):
    hidden = ingest("Partner", "b", story_text("hospital_ransomware"), tlp="red")
    client.force_login(make_user("amber"))
    assert client.get(reverse("articles:story", args=[hidden.story_id])).status_code == 404


def test_story_page_is_a_timeline_first_report_first(client, make_user):
    late = ingest("Daily", "b", story_text("hospital_ransomware_syndicated"), day=5)
    early = ingest("Wire", "a", story_text("hospital_ransomware"), day=1)
    client.force_login(make_user("clear"))
    response = client.get(reverse("articles:story", args=[late.story_id]))
    assert [a.pk for a in response.context["versions"]] == [early.pk, late.pk]
    assert response.context["source_count"] == 2


def test_list_query_count_stays_constant_with_many_stories(
    client, make_user, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(make_user("clear"))
    ingest("Wire", "a", story_text("hospital_ransomware"))
    from tests.factories import list_budget_queries

    client.get(reverse("articles:list"))  # the first view also records the visit (one insert)
    # The list's own 7 and the workspace's blocks (read state, visit, saved searches, role).
    with django_assert_max_num_queries(12 + list_budget_queries()) as first:
        client.get(reverse("articles:list"))
    for n, name in enumerate(["school_ransomware", "pharmacy_ransomware", "vpn_vulnerability"]):
        ingest(f"S{n}", name, story_text(name))
        ingest(f"T{n}", name, story_text(name) + " Updated.")
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("articles:list"))
