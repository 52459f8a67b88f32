"""End to end: beat and a real worker, over Redis, turn a new feed source into enriched
articles on the list page; a broken feed is recorded as a readable error while the good
one keeps flowing."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse

from articles.models import Article, ProcessingStatus, Source
from tests.conftest import require_service
from tests.worker import Worker, broker, flush_redis, redis_reachable, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
FIXTURES = Path(__file__).parent / "ingest" / "fixtures"


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fixture_site():
    """A real HTTP server on 127.0.0.1 serving the fixture feeds."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(FIXTURES)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_beat_and_a_worker_turn_a_new_feed_into_enriched_articles(tmp_path, fixture_site, client, make_user):
    require_service("Redis", redis_reachable())
    flush_redis()
    good = Source.objects.create(name="Example News", kind="rss", url=f"{fixture_site}/rss2.xml")
    broken = Source.objects.create(name="Not a feed", kind="rss", url=f"{fixture_site}/page.html")
    worker = Worker(
        tmp_path / "worker.log",
        beat=True,
        extra_env={"FETCH_ALLOW_NETWORKS": "127.0.0.0/8", "POLL_DUE_EVERY_SECONDS": "5"},
    ).start()
    try:
        with broker():
            articles = Article.objects.filter(source=good)

            def all_enriched() -> bool:
                return (
                    articles.count() == 3
                    and not articles.exclude(processing_status=ProcessingStatus.DONE).exists()
                )

            wait_for(
                all_enriched,
                timeout=120,
                what="the feed's entries to be ingested and enriched",
                worker=worker,
            )
            wait_for(
                lambda: Source.objects.get(pk=broken.pk).consecutive_failures >= 1,
                timeout=60,
                what="the broken source to record its failure",
                worker=worker,
            )
    finally:
        worker.stop()

    good.refresh_from_db()
    assert good.last_success_at and good.consecutive_failures == 0 and good.next_poll_at
    assert good.last_result["new"] == 3
    broken.refresh_from_db()
    assert "HTML page" in broken.last_error and broken.next_poll_at > broken.last_polled_at

    hospital = articles.get(title="Ransomware gang hits regional hospital network")
    assert hospital.url == "https://news.example.com/2024/05/hospital-ransomware"  # tracking removed
    assert {t.name for t in hospital.tags_sorted} >= {"Ransomware", "Healthcare"}
    assert hospital.category == "ransomware" and hospital.assessment
    untitled = articles.exclude(
        title__in=["Ransomware gang hits regional hospital network", "Weekly roundup"]
    ).get()
    assert untitled.published_estimated  # no date in the feed: marked, not invented silently

    client.force_login(make_user("clear"))
    page = client.get(reverse("articles:list")).content.decode()
    assert "Ransomware gang hits regional hospital network" in page
    assert "Weekly roundup" in page
