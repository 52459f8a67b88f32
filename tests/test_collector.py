"""The collector against a real local HTTP server: upserts, health, backoff, bad feeds.

Nothing already ingested is ever lost to a bad poll, a bad entry never takes the
good ones with it, and every failure ends as a readable error on the source.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from articles.ingest import collector
from articles.models import Article, Author, Source, Story, Tag
from tests.collecting import database_rejects_title, fixture_site, item, rss, source_for  # noqa: F401

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "ingest" / "fixtures"


def test_new_entries_are_created_and_a_second_poll_changes_nothing(site):
    src = source_for(site.put("/f.xml", rss(item(1), item(2))))
    first = collector.poll(src.pk)
    assert (first.status, first.new, first.unchanged) == ("ok", 2, 0)
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at"))
    second = collector.poll(src.pk, force=True)
    assert (second.new, second.updated, second.unchanged) == (0, 0, 2)
    assert list(Article.objects.order_by("pk").values_list("pk", "updated_at")) == before


def test_a_changed_entry_updates_its_article(site):
    src = source_for(site.put("/f.xml", rss(item(1, "Old body."))))
    collector.poll(src.pk)
    site.put("/f.xml", rss(item(1, "New body with more detail.")))
    report = collector.poll(src.pk, force=True)
    assert report.updated == 1
    assert Article.objects.get().body_text == "New body with more detail."


def test_a_feed_that_breaks_loses_nothing_already_ingested(site):
    src = source_for(site.put("/f.xml", rss(item(1), item(2))))
    collector.poll(src.pk)
    site.put("/f.xml", (FIXTURES / "page.html").read_bytes(), content_type="text/html")
    report = collector.poll(src.pk, force=True)
    assert report.status == "failed" and "HTML page" in report.error
    src.refresh_from_db()
    assert src.consecutive_failures == 1 and "HTML page" in src.last_error
    assert Article.objects.filter(source=src).count() == 2


def test_a_malformed_feed_keeps_the_entries_that_parsed_and_warns(site):
    src = source_for(site.put("/f.xml", (FIXTURES / "malformed.xml").read_bytes()))
    report = collector.poll(src.pk)
    titles = set(Article.objects.values_list("title", flat=True))
    assert "First good entry" in titles
    assert report.status == "ok" and report.warnings
    src.refresh_from_db()
    assert src.last_result["warnings"] and src.consecutive_failures == 0


def test_hostile_html_in_entries_is_sanitized_before_it_is_stored(site):
    hostile = (
        "&lt;p onclick=x&gt;Hi&lt;script&gt;alert(1)&lt;/script&gt;"
        "&lt;a href='javascript:alert(2)'&gt;x&lt;/a&gt;&lt;/p&gt;"
    )
    src = source_for(site.put("/f.xml", rss(item(1, hostile))))
    collector.poll(src.pk)
    article = Article.objects.get()
    for bad in ("script", "onclick", "javascript:", "alert"):
        assert bad not in article.body_html
    assert article.body_text == "Hix"  # the script and its text are gone; the link text stays


def test_an_entry_that_cannot_be_saved_is_skipped_and_the_others_are_kept(site):
    feed = rss(
        item(1, "A port is hit by ransomware.", authors=("Ann",), categories=("ransomware",)),
        item(2, "Bad.", title="Explodes", authors=("Bob",), categories=("only-on-the-bad-one",)),
        item(3, "A bank patches its VPN."),
    )
    src = source_for(site.put("/f.xml", feed))
    with database_rejects_title("Explodes"):
        report = collector.poll(src.pk)
    assert (report.new, report.skipped) == (2, 1)
    assert sorted(Article.objects.values_list("title", flat=True)) == ["Story 1", "Story 3"]
    # Nothing of the bad entry stays behind: no byline, tag or story of its own.
    assert list(Author.objects.values_list("name", flat=True)) == ["Ann"]
    assert list(Tag.objects.values_list("name", flat=True)) == ["ransomware"]
    assert Story.objects.count() == 2
    assert set(report.article_ids["new"]) == set(Article.objects.values_list("pk", flat=True))


def test_a_skipped_entrys_title_and_error_text_stay_out_of_what_the_source_pages_show(site):
    # Source pages are open to staff of any clearance; an AMBER feed's titles are not.
    src = source_for(site.put("/f.xml", rss(item(1, title="Amber-only secret title"))))
    with database_rejects_title("Amber-only secret title", message="Amber-only detail"):
        collector.poll(src.pk)
    src.refresh_from_db()
    shown = repr(src.last_result) + src.last_error
    assert "Amber-only" not in shown
    assert "an entry was skipped (" in shown and src.last_result["skipped"] == 1


def test_failures_back_off_exponentially_and_success_resets(site):
    src = source_for(site.put("/f.xml", b"", status=500), poll_interval_minutes=10)
    delays = []
    for _ in range(3):
        before = timezone.now()
        collector.poll(src.pk, force=True)
        src.refresh_from_db()
        delays.append((src.next_poll_at - before).total_seconds() / 60)
    assert src.consecutive_failures == 3
    # 10 min × 2^n, ±15 % jitter
    for n, minutes in enumerate(delays, start=1):
        assert 10 * 2**n * 0.84 <= minutes <= 10 * 2**n * 1.16, (n, minutes)
    site.put("/f.xml", rss(item(1)))
    collector.poll(src.pk, force=True)
    src.refresh_from_db()
    assert src.consecutive_failures == 0 and src.last_error == ""
    assert (src.next_poll_at - timezone.now()) < dt.timedelta(minutes=12)


def test_a_private_address_is_refused_without_the_allowance(site, settings):
    settings.FETCH_ALLOW_NETWORKS = []
    src = source_for(site.put("/f.xml", rss(item(1))))
    report = collector.poll(src.pk)
    src.refresh_from_db()
    assert report.status == "failed" and src.last_error_kind == "blocked-address"
    assert not Article.objects.exists()


def test_a_source_being_polled_is_not_polled_twice_at_once(site):
    src = source_for(site.put("/f.xml", rss(item(1))))
    assert collector.claim(src.pk) is not None
    assert collector.poll(src.pk).status == "busy"
    assert not Article.objects.exists()


def test_disabled_sources_are_not_due_and_not_polled_unless_forced(site):
    src = source_for(site.put("/f.xml", rss(item(1))), enabled=False)
    assert src not in Source.objects.due()
    assert collector.poll(src.pk).status == "busy"
    assert collector.poll(src.pk, force=True).status == "ok"


def test_keyword_filters_keep_and_drop_entries(site):
    feed = rss(
        item(1, "ransomware hits a port"), item(2, "a sports result"), item(3, "ransomware and sports")
    )
    src = source_for(site.put("/f.xml", feed), include_keywords="Ransomware", exclude_keywords="sports")
    report = collector.poll(src.pk)
    assert (report.new, report.filtered) == (1, 2)
    assert list(Article.objects.values_list("title", flat=True)) == ["Story 1"]


def test_new_articles_start_at_the_sources_default_tlp(site):
    src = source_for(site.put("/f.xml", rss(item(1))), default_tlp="amber")
    collector.poll(src.pk)
    assert Article.objects.get().tlp == "amber"


def test_seed_folder_sources_load_their_folder(tmp_path, settings):
    settings.SEED_FOLDERS_ROOT = tmp_path
    (tmp_path / "a.txt").write_text("Jan 2, 2026 • Ann\nTitle\nTeaser\nSummary\nText.\n")
    (tmp_path / "bad.txt").write_text("garbage")
    src = Source.objects.create(name="drop", kind="seed-folder", folder=str(tmp_path))
    report = collector.poll(src.pk)
    assert (report.new, report.skipped) == (1, 1)
    assert "bad.txt, line 1" in report.warnings[0]


def test_a_duplicate_queued_poll_after_a_finished_one_does_nothing(site):
    src = source_for(site.put("/f.xml", rss(item(1))))
    assert collector.poll(src.pk).status == "ok"
    site.put("/f.xml", rss(item(1), item(2)))
    assert collector.poll(src.pk).status == "busy"  # not due again until its interval has passed
    assert Article.objects.count() == 1


def test_a_skipped_entry_keeps_the_validators_unsaved_so_the_next_poll_retries_it(site):
    src = source_for(site.put("/f.xml", rss(item(1), item(2, title="Explodes"))))
    with database_rejects_title("Explodes"):
        collector.poll(src.pk)
    src.refresh_from_db()
    assert src.etag == ""  # a 304 next time would lose the skipped entry for good
    collector.poll(src.pk, force=True)
    src.refresh_from_db()
    assert src.etag == '"v1"' and Article.objects.filter(title="Explodes").exists()


def test_the_folderless_seed_source_from_load_seeds_is_never_due():
    from django.core.management import call_command

    call_command("load_seeds")
    seeds = Source.objects.get(name="Seed files")
    assert not seeds.can_poll
    assert seeds not in Source.objects.due()


def test_a_failed_poll_is_logged_as_a_warning_naming_the_source_and_the_reason(site, caplog):
    src = source_for(site.put("/gone.xml", b"gone", content_type="text/plain", status=404))
    with caplog.at_level("INFO", logger="articles.ingest.collector"):
        report = collector.poll(src.pk)
    assert report.status == "failed"
    warnings = [r for r in caplog.records if r.levelname == "WARNING"]
    assert [r.getMessage() for r in warnings] == [
        f"polling source {src.name!r} (#{src.pk}) failed: {report.error}"
    ]
