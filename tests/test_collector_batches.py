"""A poll's entries are saved in batches: a constant number of queries per poll, and the
same articles, outcomes, bylines, tags and stories as saving them one by one."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from articles.ingest import collector
from articles.ingest.upsert import IncomingArticle, Outcome, upsert_article, upsert_articles
from articles.models import Article, ProcessingStatus, SimilarityKey, Story
from tests.collecting import fixture_site, item, rss, source_for  # noqa: F401
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db
STORIES = Path(__file__).parent / "ingest" / "fixtures" / "stories"
WORDS = [
    "amber",
    "basalt",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "garnet",
    "harbor",
    "indigo",
    "jasper",
    "kelp",
    "lumen",
]


def distinct_body(n: int) -> str:
    """A text no other ``n`` shares three words in a row with (its own story)."""
    return " ".join(f"{WORDS[(n * 7 + i) % len(WORDS)]}{n}x{i}" for i in range(40))


def feed_of(count: int) -> bytes:
    return rss(
        *(
            item(
                n,
                distinct_body(n),
                authors=(f"Reporter {n % 3}", "Desk"),
                categories=("ransomware", f"topic-{n % 4}"),
            )
            for n in range(count)
        )
    )


def poll_queries(site, name: str, count: int) -> list[str]:
    src = source_for(site.put(f"/{name}.xml", feed_of(count)))
    with CaptureQueriesContext(connection) as captured:
        report = collector.poll(src.pk)
    assert (report.new, report.skipped) == (count, 0)
    return [q["sql"] for q in captured.captured_queries]


ARTICLE_INSERT = 'INSERT INTO "articles_article"'


def test_a_first_poll_costs_a_fixed_number_of_queries_whatever_the_number_of_entries(site):
    poll_queries(site, "warm-up", 4)  # the bylines and tags exist from here on: only articles are new
    ten = poll_queries(site, "ten", 10)
    fifty = poll_queries(site, "fifty", 50)
    assert len(fifty) <= 25  # was some 860 for 50 entries: ~17 queries per entry
    # The same statements for 10 entries and for 50; only SQLite splits the insert of the
    # articles themselves (at most 999 parameters per statement).
    others = [sql for sql in fifty if not sql.startswith(ARTICLE_INSERT)]
    assert len(others) == len([sql for sql in ten if not sql.startswith(ARTICLE_INSERT)])
    assert sum(sql.startswith(ARTICLE_INSERT) for sql in fifty) <= (3 if connection.vendor == "sqlite" else 1)


def test_a_re_poll_of_unchanged_entries_is_a_few_queries_and_changes_nothing(site):
    src = source_for(site.put("/f.xml", feed_of(50)))
    collector.poll(src.pk)
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "story_id"))
    with CaptureQueriesContext(connection) as captured:
        report = collector.poll(src.pk, force=True)
    assert (report.new, report.updated, report.unchanged) == (0, 0, 50)
    assert len(captured.captured_queries) <= 10
    assert list(Article.objects.order_by("pk").values_list("pk", "updated_at", "story_id")) == before


def test_new_articles_keep_their_byline_order_and_feed_tags(site):
    src = source_for(
        site.put(
            "/f.xml",
            rss(
                item(1, "One.", authors=("Zoe Writer", "Ann Author", "zoe writer"), categories=("b", "a")),
                item(2, "Two.", authors=("Ann Author",), categories=("a",)),
            ),
        )
    )
    collector.poll(src.pk)
    first, second = Article.objects.order_by("guid")
    assert [a.name for a in first.ordered_authors] == ["Zoe Writer", "Ann Author"]
    assert [a.name for a in second.ordered_authors] == ["Ann Author"]
    assert [t.name for t in first.tags_sorted] == ["a", "b"]
    assert first.ordered_authors[1] == second.ordered_authors[0]  # one person, credited twice


def test_new_articles_are_requested_before_the_commit_and_queued_in_batch_messages(
    site, monkeypatch, django_capture_on_commit_callbacks
):
    from articles.tasks import process_article_task, process_batch_task

    sent: list[tuple] = []
    monkeypatch.setattr(process_batch_task, "apply_async", lambda args: sent.append(("batch", *args)))
    monkeypatch.setattr(process_article_task, "apply_async", lambda args: sent.append(("one", *args)))
    src = source_for(site.put("/f.xml", feed_of(60)))
    with django_capture_on_commit_callbacks(execute=True):
        collector.poll(src.pk)
        # Written before any message: a message lost leaves a request the sweeper finds.
        assert not Article.objects.exclude(processing_status=ProcessingStatus.PENDING).exists()
        assert not Article.objects.filter(processing_queued_at=None).exists()
        assert sent == []
    ids = sorted(Article.objects.values_list("pk", flat=True))
    assert [kind for kind, _ in sent] == ["batch", "batch"]
    assert sorted(pk for _, batch in sent for pk in batch) == ids


def test_a_changed_entry_and_a_new_one_in_the_same_poll(site):
    src = source_for(site.put("/f.xml", rss(item(1, "Old body."))))
    collector.poll(src.pk)
    site.put("/f.xml", rss(item(1, "New body."), item(2, "Another story.")))
    report = collector.poll(src.pk, force=True)
    assert (report.new, report.updated, report.unchanged) == (1, 1, 0)
    assert Article.objects.get(guid__endswith="g1").body_text == "New body."


def test_an_entry_the_feed_repeats_is_created_once_then_updated(site):
    feed = rss(item(1, "First version."), item(2, "Other."), item(3, "Second version.", guid="g1"))
    src = source_for(site.put("/f.xml", feed))
    report = collector.poll(src.pk)
    assert (report.new, report.updated) == (2, 1)
    assert Article.objects.count() == 2
    assert Article.objects.get(guid__endswith="g1").body_text == "Second version."


def story_text(name: str) -> str:
    return (STORIES / f"{name}.txt").read_text()


def incoming(guid: str, text: str, *, url: str = "", day: int = 1) -> IncomingArticle:
    return IncomingArticle(
        guid=guid,
        title=text.split(".")[0][:80],
        url=url,
        published_at=dt.datetime(2026, 5, day, tzinfo=dt.UTC),
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        body_text=text,
    )


def stories_of(guids: list[str]) -> set[frozenset[str]]:
    by_story: dict[int, set[str]] = {}
    for guid, story_id in Article.objects.filter(guid__in=guids).values_list("guid", "story_id"):
        by_story.setdefault(story_id, set()).add(guid)
    return {frozenset(group) for group in by_story.values()}


def test_a_batch_groups_stories_exactly_as_saving_one_by_one():
    earlier = SourceFactory(name="Earlier")
    with transaction.atomic():
        upsert_article(
            earlier, incoming("hospital", story_text("hospital_ransomware"), url="https://a.example/h")
        )
        upsert_article(earlier, incoming("school", story_text("school_ransomware")))
    pharmacy = story_text("pharmacy_ransomware")
    batch = [
        incoming("syndicated", story_text("hospital_ransomware_syndicated"), day=2),  # near the table
        incoming("pharmacy", pharmacy, day=2),  # new story
        incoming("pharmacy-trimmed", pharmacy.rsplit("\n\n", 1)[0], day=3),  # near one earlier in the batch
        incoming("vpn", story_text("vpn_vulnerability"), url="https://b.example/v"),  # new story
        incoming(
            "vpn-link", "Unrelated words entirely, nothing alike.", url="https://b.example/v"
        ),  # its URL
        incoming(
            "school-copy", story_text("school_ransomware"), url="https://c.example/s"
        ),  # a hash in the table
        incoming(
            "hospital-link", "Short note about something else.", url="https://a.example/h"
        ),  # a URL there
        incoming("empty", ""),  # no text: matched by its (title's) hash only
    ]
    guids = ["hospital", "school"] + [i.guid for i in batch]
    expected = {
        frozenset({"hospital", "syndicated", "hospital-link"}),
        frozenset({"school", "school-copy"}),
        frozenset({"pharmacy", "pharmacy-trimmed"}),
        frozenset({"vpn", "vpn-link"}),
        frozenset({"empty"}),
    }
    source = SourceFactory(name="Batch")
    with transaction.atomic():
        results = upsert_articles(source, batch)
    assert [outcome for _, outcome in results] == [Outcome.CREATED] * len(batch)
    batched = stories_of(guids)
    assert batched == expected

    # The same entries again, one by one, from the same starting point.
    Article.objects.filter(source=source).delete()
    Story.objects.filter(articles=None).delete()
    with transaction.atomic():
        for entry in batch:
            upsert_article(source, entry)
    assert stories_of(guids) == batched
    assert SimilarityKey.objects.filter(article__source=source).count() > 0


def test_the_batch_writes_the_fingerprints_and_keys_a_single_save_writes():
    text = story_text("vpn_vulnerability")
    one, many = SourceFactory(name="One"), SourceFactory(name="Many")
    with transaction.atomic():
        single, _ = upsert_article(one, incoming("a", text))
        ((batched, _),) = upsert_articles(many, [incoming("a", text)])
    single.refresh_from_db()
    batched.refresh_from_db()
    assert batched.fingerprint == single.fingerprint and batched.fingerprint
    keys = {
        pk: set(SimilarityKey.objects.filter(article_id=pk).values_list("key", flat=True))
        for pk in (single.pk, batched.pk)
    }
    assert keys[single.pk] == keys[batched.pk] and len(keys[single.pk]) == 20
