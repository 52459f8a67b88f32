"""Findings in every section of an article: stored per section, highlighted where they are."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction

from articles import processing
from articles.enrichment.pipeline import current_versions
from articles.findings import article_sections
from articles.management.commands.enrich import stale_ids
from articles.models import Article, Entity, Indicator, Mention, Sighting
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HASH = "44d88612fea8a8f36de82e1278abb02f"


@pytest.fixture
def enrich(django_capture_on_commit_callbacks):
    """Queue the article the way the portal does; the real task runs eagerly on commit."""

    def run(article: Article) -> Article:
        with django_capture_on_commit_callbacks(execute=True):
            processing.enqueue([article.pk])
        article.refresh_from_db()
        return article

    return run


@pytest.fixture
def restated(enrich) -> Article:
    """An article whose analysis repeats its summary, as the seeds do."""
    summary = f"Fancy Bear dropped {HASH} on ministry laptops."
    return enrich(
        ArticleFactory(
            title="CVE-2023-23397 exploited again",
            teaser="Mail servers at 203.0.113.9 were probed.",
            executive_summary="Patch Outlook now; the group is active.",
            summary=summary,
            body_text=f"{summary} The ministry has since reset every password.",
            body_html="",
            processing_status="pending",
        )
    )


def test_findings_in_every_section_are_stored_with_offsets_into_that_section(restated):
    texts = article_sections(restated)
    sightings = Sighting.objects.filter(article=restated).select_related("indicator")
    mentions = Mention.objects.filter(article=restated).select_related("entity")

    where = {(s.indicator.value, s.section) for s in sightings}
    assert where == {
        ("CVE-2023-23397", "title"),
        ("203.0.113.9", "teaser"),
        (HASH, "summary"),
        (HASH, "body"),
    }
    assert {(m.entity.name, m.section) for m in mentions} >= {("APT28", "summary"), ("APT28", "body")}
    for row in [*sightings, *mentions]:
        assert texts[row.section][row.start : row.end] == row.matched, row


def test_a_repeated_indicator_is_one_indicator_with_a_span_per_section(restated):
    assert Indicator.objects.filter(value=HASH).count() == 1
    assert Sighting.objects.filter(article=restated, indicator__value=HASH).count() == 2


def test_the_same_span_in_two_sections_is_allowed_but_not_twice_in_one(restated):
    sighting = Sighting.objects.filter(article=restated, section="summary").first()
    fields = {
        "article": restated,
        "indicator": sighting.indicator,
        "start": sighting.start,
        "end": sighting.end,
        "matched": sighting.matched,
        "enricher": "test",
        "enricher_version": "0",
    }

    Sighting.objects.create(**fields, section="executive_summary")
    with pytest.raises(IntegrityError), transaction.atomic():
        Sighting.objects.create(**fields, section="summary")


def test_re_enriching_leaves_the_same_rows(restated, enrich):
    before = sorted(Sighting.objects.filter(article=restated).values_list("indicator_id", "section", "start"))

    Article.objects.filter(pk=restated.pk).update(processing_status="pending")
    enrich(restated)

    after = sorted(Sighting.objects.filter(article=restated).values_list("indicator_id", "section", "start"))
    assert after == before


def test_articles_enriched_before_sections_are_stale():
    before_sections = {k: v for k, v in current_versions().items() if k != "sections"}
    old = ArticleFactory(processing_status="done", processing_versions=before_sections)
    fresh = ArticleFactory(processing_status="done", processing_versions=current_versions())

    assert old.pk in stale_ids() and fresh.pk not in stale_ids()


def test_the_article_page_marks_findings_in_every_section(restated, analyst, login):
    html = login(analyst).get(restated.get_absolute_url()).content.decode()

    title = re.search(r'<h1 class="story__title">(.*?)</h1>', html, re.S)[1]
    assert "<mark" in title and "CVE-2023-23397</mark>" in title
    teaser = re.search(r'<p class="story__teaser">(.*?)</p>', html, re.S)[1]
    assert "203.0.113.9</mark>" in teaser
    assert html.count(f"{HASH}</mark>") == 2  # summary and body


def test_a_finding_link_jumps_to_its_first_span_in_reading_order(enrich, analyst, login):
    # Later in its section than in the body, but the executive summary is read first.
    article = enrich(
        ArticleFactory(
            executive_summary=f"On Monday the analysts saw {HASH} on a server.",
            body_text=f"{HASH} was seen again.",
            processing_status="pending",
        )
    )
    html = login(analyst).get(article.get_absolute_url()).content.decode()
    indicator = Indicator.objects.get(value=HASH)

    anchors = re.findall(rf'id="(f-i{indicator.pk}-[^"]+)"', html)

    assert anchors == [f"f-i{indicator.pk}-executive_summary-27", f"f-i{indicator.pk}-body-0"]
    assert f'href="#{anchors[0]}"' in html and f'href="#{anchors[1]}"' not in html


def test_a_link_skips_a_first_span_hidden_inside_a_longer_one(analyst, login):
    body = "Visit hxxp://japan[.]example/x today. Japan was hit."
    article = ArticleFactory(body_text=body, teaser="", title="Report")
    url = Indicator.objects.create(type="url", value="http://japan.example/x")
    japan = Entity.objects.create(kind="country", name="Japan")
    common = {"article": article, "section": "body", "enricher": "t", "enricher_version": "0"}
    Sighting.objects.create(**common, indicator=url, start=6, end=30, matched=body[6:30])
    Mention.objects.create(**common, entity=japan, start=13, end=18, matched="japan")
    Mention.objects.create(**common, entity=japan, start=38, end=43, matched="Japan")

    html = login(analyst).get(article.get_absolute_url()).content.decode()

    assert f'href="#f-e{japan.pk}-body-38"' in html and f'id="f-e{japan.pk}-body-38"' in html


def test_a_stale_span_is_not_marked_on_the_wrong_words(restated, analyst, login):
    # The text changed after enrichment, and the new run has not happened yet.
    Article.objects.filter(pk=restated.pk).update(teaser="A different teaser altogether, longer than before.")

    html = login(analyst).get(restated.get_absolute_url()).content.decode()

    teaser = re.search(r'<p class="story__teaser">(.*?)</p>', html, re.S)[1]
    assert "<mark" not in teaser
    assert "203.0.113.9" not in html  # its only span is gone, so it is not listed either


@pytest.mark.django_db(transaction=True)
def test_the_migration_points_spans_written_before_sections_at_the_text_they_were_in():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("articles", "0010_processing_failure_kind_and_retries")],
        [("articles", "0011_finding_sections")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        source = old.get_model("articles", "Source").objects.create(name="s")
        entity = old.get_model("articles", "Entity").objects.create(kind="country", name="Japan")
        texts = {
            "body": {"body_text": "Japan"},
            "summary": {"summary": "Japan"},
            "teaser": {"teaser": "Japan"},
        }
        for guid, fields in texts.items():
            article = old.get_model("articles", "Article").objects.create(
                source=source,
                guid=guid,
                title="t",
                published_at="2026-01-01T00:00Z",
                content_hash=guid,
                **fields,
            )
            old.get_model("articles", "Mention").objects.create(
                article=article,
                entity=entity,
                start=0,
                end=5,
                matched="Japan",
                enricher="e",
                enricher_version="1",
            )

        executor = MigrationExecutor(connection)
        executor.migrate(after)

        new = executor.loader.project_state(after).apps
        sections = dict(new.get_model("articles", "Mention").objects.values_list("article__guid", "section"))
        assert sections == {"body": "body", "summary": "summary", "teaser": "teaser"}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_keeping_the_spans_the_old_code_read():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = (
        [("articles", "0010_processing_failure_kind_and_retries")],
        [("articles", "0011_finding_sections")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    try:
        new = executor.loader.project_state(after).apps
        source = new.get_model("articles", "Source").objects.create(name="s")
        entity = new.get_model("articles", "Entity").objects.create(kind="country", name="Japan")
        article = new.get_model("articles", "Article").objects.create(
            source=source,
            guid="g",
            title="t",
            published_at="2026-01-01T00:00Z",
            content_hash="h",
            summary="Japan",
            body_text="Japan",
        )
        # The same offsets in two sections: legal now, a duplicate under the old constraint.
        for section in ("summary", "body"):
            new.get_model("articles", "Mention").objects.create(
                article=article,
                entity=entity,
                section=section,
                start=0,
                end=5,
                matched="Japan",
                enricher="e",
                enricher_version="1",
            )

        executor = MigrationExecutor(connection)
        executor.migrate(before)

        old = executor.loader.project_state(before).apps
        assert old.get_model("articles", "Mention").objects.count() == 1
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
