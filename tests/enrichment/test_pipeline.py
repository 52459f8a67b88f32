"""The pipeline runs every stage in order and returns the issue's JSON contract."""

import json

import pytest

from articles.enrichment import pipeline as pipeline_module
from articles.enrichment.pipeline import Pipeline, get_pipeline
from articles.enrichment.types import Document, EntityFinding, IndicatorFinding

TEXT = "APT28, also called Fancy Bear, used 1.2.3[.]4 in the campaign against ministries."


class FakeIndicators:
    version = "9.9.9"

    def run(self, doc):
        start = doc.text.index("1.2.3[.]4")
        return [IndicatorFinding("ipv4", "1.2.3.4", start, start + 9, "1.2.3[.]4", True, None)]


class FakeEntities:
    version = "8.8.8"

    def run(self, doc):
        start = doc.text.index("Fancy Bear")
        return [
            EntityFinding(
                "threat-actor", "APT28", "Fancy Bear", start, start + 10, "misp-galaxy:threat-actor"
            )
        ]


def fake_pipeline() -> Pipeline:
    return Pipeline(indicator_extractor=FakeIndicators(), entity_extractor=FakeEntities())


def test_result_matches_the_issue_json_contract():
    result = fake_pipeline().run(Document(text=TEXT, title="APT28 targets ministries"))

    data = json.loads(json.dumps(result.to_dict()))

    assert set(data) == {
        "indicators",
        "entities",
        "classification",
        "assessment",
        "summary",
        "keywords",
        "versions",
    }
    assert data["indicators"] == [
        {
            "type": "ipv4",
            "value": "1.2.3.4",
            "start": 36,
            "end": 45,
            "matched": "1.2.3[.]4",
            "defanged": True,
            "benign": None,
        }
    ]
    assert data["entities"] == [
        {
            "kind": "threat-actor",
            "name": "APT28",
            "matched": "Fancy Bear",
            "start": 19,
            "end": 29,
            "ref": "misp-galaxy:threat-actor",
        }
    ]
    assert data["classification"]["intel_level"] == "tactical"
    assert data["classification"]["category"] == "threat-actor"
    assert data["classification"]["priority"] == "high"
    assert data["assessment"].startswith("This is a tactical report on threat actor")
    assert data["summary"] == TEXT
    assert "APT28" in data["keywords"]


def test_versions_name_every_stage():
    assert fake_pipeline().versions == {
        "indicators": "9.9.9",
        "entities": "8.8.8",
        "attack_ids": "1.0.0",
        "classify": "1.0.0",
        "assess": "1.0.0",
        "summarize": "1.0.0",
        "keywords": "1.0.0",
    }


def test_timed_run_reports_every_stage_and_gives_the_same_result():
    timings: dict[str, float] = {}
    runner = fake_pipeline()
    doc = Document(text=TEXT)

    timed = runner.run_timed(doc, timings)

    assert set(timings) == set(pipeline_module.STAGES)
    assert timed.to_dict() == runner.run(doc).to_dict()


def test_get_pipeline_is_rebuilt_only_when_the_watch_list_changes(monkeypatch):
    built = []

    class CountingPipeline:
        def __init__(self, watch_entities=()):
            built.append(tuple(watch_entities))

    monkeypatch.setattr(pipeline_module, "Pipeline", CountingPipeline)
    monkeypatch.setattr(pipeline_module, "_cached", None)

    class Watch:
        def __init__(self, name, aliases=()):
            self.name, self.aliases, self.kind = name, aliases, "organization"

    first = get_pipeline()
    assert get_pipeline() is first
    watched = get_pipeline([Watch("Acme", ("ACME Corp",))])
    assert watched is not first
    assert get_pipeline([Watch("Acme", ("ACME Corp",))]) is watched
    assert len(built) == 2


@pytest.mark.slow
def test_real_pipeline_on_the_seed_is_strategic_industry_investment():
    from pathlib import Path

    seed = next((Path(__file__).parents[2] / "seeds").glob("000_*.txt"))
    result = get_pipeline().run(Document(text=seed.read_text("utf-8")))

    assert result.indicators == []
    assert not [e for e in result.entities if e.kind in ("threat-actor", "malware", "attack-pattern")]
    assert result.classification.category == "industry-investment"
    assert result.classification.intel_level == "strategic"
    assert "no immediate defensive action" in result.assessment
