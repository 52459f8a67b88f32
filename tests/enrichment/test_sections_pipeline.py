"""Every text section of an article is enriched, with spans relative to the section they are in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from articles.enrichment.pipeline import Pipeline, current_versions, get_pipeline
from articles.enrichment.sections import SEPARATOR, VERSION, SectionLayout
from articles.enrichment.types import Document, Section
from articles.ingest.seeds import parse_seed_file

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "enrichment" / "corpus"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return get_pipeline()


def sectioned(**texts: str) -> Document:
    return Document(text="", sections=tuple(Section(name, text) for name, text in texts.items()))


def assert_spans_point_into_their_section(doc: Document, result) -> None:
    texts = {s.name: s.text for s in doc.sections}
    for finding in [*result.indicators, *result.entities]:
        assert finding.section in texts, finding
        assert texts[finding.section][finding.start : finding.end] == finding.matched, finding


def seed_document(path: Path) -> Document:
    seed = parse_seed_file(path)
    return sectioned(
        title=seed.title,
        teaser=seed.teaser,
        executive_summary=seed.executive_summary,
        summary=seed.summary,
        body=seed.analysis,
    )


def test_indicators_in_title_teaser_and_summaries_are_found_where_they_are(pipeline):
    doc = sectioned(
        title="CVE-2024-3400 exploited",
        teaser="Traffic to 203.0.113.9 was seen.",
        executive_summary="The actor used evil-updates[.]com for staging.",
        summary="Payload hash 44d88612fea8a8f36de82e1278abb02f was shared.",
        body="Nothing new here.",
    )

    result = pipeline.run(doc)

    found = {(f.section, f.type, f.value) for f in result.indicators}
    assert found == {
        ("title", "cve", "CVE-2024-3400"),
        ("teaser", "ipv4", "203.0.113.9"),
        ("executive_summary", "domain", "evil-updates.com"),
        ("summary", "md5", "44d88612fea8a8f36de82e1278abb02f"),
    }
    assert_spans_point_into_their_section(doc, result)


def test_the_seed_gets_one_span_per_section_a_name_appears_in(pipeline):
    doc = seed_document(next((ROOT / "seeds").glob("000_*.txt")))

    result = pipeline.run(doc)

    assert_spans_point_into_their_section(doc, result)
    japan = {f.section for f in result.entities if f.name == "Japan"}
    assert japan == {"title", "teaser", "executive_summary", "body"}


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.json")), ids=lambda p: p.stem)
def test_every_span_of_the_labelled_corpus_points_into_its_section(pipeline, path):
    article = json.loads(path.read_text())
    paragraphs = article["text"].split("\n\n")
    half = len(paragraphs) // 2
    doc = sectioned(
        title=article["title"],
        summary="\n\n".join(paragraphs[:half]),
        body="\n\n".join(paragraphs[half:]),
    )

    result = pipeline.run(doc)

    assert_spans_point_into_their_section(doc, result)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.json")), ids=lambda p: p.stem)
def test_title_words_weigh_as_much_as_they_did_when_only_the_body_was_read(pipeline, path):
    article = json.loads(path.read_text())
    as_one_text = pipeline.run(Document(text=article["text"], title=article["title"]))

    by_section = pipeline.run(sectioned(title=article["title"], body=article["text"]))

    assert by_section.classification.category == as_one_text.classification.category
    assert by_section.classification.intel_level == as_one_text.classification.intel_level
    assert by_section.summary == as_one_text.summary


@pytest.mark.parametrize(
    ("first", "second", "glued"),
    [
        ("Staging ran on hxxp://evil[.]example", ".com/x was the loader.", "http://evil.example.com/x"),
        ("Payload d41d8cd98f00b204", "e9800998ecf8427e was dropped.", "d41d8cd98f00b204e9800998ecf8427e"),
        ("Callback to 198.51.100", ".7 followed.", "198.51.100.7"),
        ("Researchers named Cozy ", "Bear hackers in the report.", "APT29"),
    ],
)
def test_nothing_is_found_across_a_section_boundary(pipeline, first, second, glued):
    def found(result) -> set[str]:
        return {f.value for f in result.indicators} | {f.name for f in result.entities}

    doc = sectioned(summary=first, body=second)

    result = pipeline.run(doc)

    assert glued not in found(result)
    assert_spans_point_into_their_section(doc, result)
    # The case is real: the two texts written as one would give the glued finding.
    assert glued in found(pipeline.run(Document(text=first + second)))


def test_the_separator_holds_nothing_an_extractor_matches(pipeline):
    result = pipeline.run(Document(text=f"a{SEPARATOR}b"))

    assert result.indicators == [] and result.entities == []


def test_repeated_text_is_weighed_once(pipeline):
    summary = (
        "LockBit ransomware hit a hospital in Germany. The operators used CVE-2023-4966 "
        "and staged data on 185.220.101.4 before encryption."
    )
    analysis = "Patients were diverted for two days while systems were restored."
    restated = sectioned(title="Hospital attack", summary=summary, body=f"{summary} {analysis}")
    said_once = sectioned(title="Hospital attack", summary=summary, body=analysis)

    twice, once = pipeline.run(restated), pipeline.run(said_once)

    assert twice.classification == once.classification
    assert twice.assessment == once.assessment
    assert twice.summary == once.summary
    assert twice.keywords == once.keywords
    # ...while every place the reader sees the address is still a span.
    assert [f.section for f in twice.indicators if f.type == "ipv4"] == ["summary", "body"]


def test_an_indicator_only_in_the_title_counts_for_the_intelligence_level(pipeline):
    doc = sectioned(title="Patch CVE-2024-3400 now", body="Vendors released fixes this week.")

    result = pipeline.run(doc)

    assert result.classification.intel_level == "tactical"


def test_one_text_output_has_no_sections_and_no_sections_version(pipeline):
    result = pipeline.run(Document(text="Traffic to 203.0.113.9 was seen.", title="t"))

    data = result.to_dict()
    assert all("section" not in f for f in data["indicators"] + data["entities"])
    assert "sections" not in data["versions"]


def test_sectioned_runs_record_the_sections_version_that_stale_checks_compare(pipeline):
    result = pipeline.run(sectioned(title="t", body="Traffic to 203.0.113.9 was seen."))

    assert result.versions["sections"] == VERSION == current_versions()["sections"]
    assert result.to_dict()["indicators"][0]["section"] == "body"


def test_the_reading_text_keeps_each_sentence_once_and_starts_with_the_title():
    layout = SectionLayout(
        [
            Section("title", "A title"),
            Section("summary", "First point. Second point."),
            Section("body", "First point. A new point. Second point."),
        ]
    )

    assert layout.reading_text == "A title\n\nFirst point. Second point.\n\nA new point."
    assert layout.reading_text[layout.after_title :] == "First point. Second point.\n\nA new point."


def test_the_title_leads_the_reading_text_whatever_order_sections_come_in():
    layout = SectionLayout([Section("body", "The body."), Section("title", "The title")])

    assert layout.reading_text == "The title\n\nThe body."
    assert layout.text_beside_title == " " * len("The title\n\n") + "The body."


def test_the_section_code_and_the_extract_core_import_no_django():
    import subprocess
    import sys

    code = (
        "import sys, articles.enrichment.cli, articles.enrichment.sections, articles.enrichment.pipeline; "
        "sys.exit('django' in sys.modules)"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, check=False
    )

    assert finished.returncode == 0
