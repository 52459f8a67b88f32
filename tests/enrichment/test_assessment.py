"""The assessment paragraph: what was found, how actionable, how urgent."""

from pathlib import Path

from articles.enrichment.assessment import assess
from articles.enrichment.classify import classify
from articles.enrichment.types import Document, EntityFinding, IndicatorFinding

SEED = next((Path(__file__).parents[2] / "seeds").glob("000_*.txt"))


def indicator(kind: str, value: str, benign: str | None = None) -> IndicatorFinding:
    return IndicatorFinding(kind, value, 0, len(value), value, False, benign)


def entity(kind: str, name: str, ref: str = "misp-galaxy:test", external_id=None) -> EntityFinding:
    return EntityFinding(kind, name, name, 0, len(name), ref, external_id)


def assessment_of(doc, indicators=(), entities=()):
    indicators, entities = list(indicators), list(entities)
    return assess(doc, indicators, entities, classify(doc, indicators, entities))


def test_seed_assessment_says_nothing_actionable_was_found():
    doc = Document(text=SEED.read_text(encoding="utf-8"))
    found = [entity("organization", "Microsoft"), entity("country", "Japan")]

    assert assessment_of(doc, entities=found) == (
        "This is a strategic report on industry & investment, of low priority. "
        "It concerns Microsoft and Japan. "
        "It names no indicators of compromise, vulnerabilities or malicious actors. "
        "Its value is context for planning and risk decisions; "
        "no immediate defensive action follows from it."
    )


def test_tactical_assessment_counts_indicators_and_names_adversaries():
    doc = Document(text="APT28 used PowerShell; CVE-2023-23397 is actively exploited.")
    indicators = [
        indicator("ipv4", "203.0.113.7"),
        indicator("domain", "evil.example.net"),
        indicator("domain", "cdn.evil.example.net"),
        indicator("cve", "CVE-2023-23397"),
    ]
    entities = [
        entity("threat-actor", "APT28"),
        entity("attack-pattern", "PowerShell", external_id="T1059.001"),
    ]

    text = assessment_of(doc, indicators, entities)

    assert text == (
        "This is a tactical report on vulnerability, of critical priority. "
        "It carries 3 indicators of compromise (1 IPv4, 2 domains). "
        "It references 1 vulnerability: CVE-2023-23397. "
        "It names threat actor APT28 and technique PowerShell (T1059.001). "
        "The indicators can be searched for in logs and added to blocklists now. "
        "Check exposure to the referenced vulnerabilities and patch or mitigate. "
        "It reports exploitation ('actively exploited'): treat it as urgent."
    )


def test_operational_assessment_points_to_hunting():
    doc = Document(text="The loader spreads through malicious ads.")

    text = assessment_of(doc, entities=[entity("malware", "GootLoader")])

    assert "It names malware GootLoader." in text
    assert "can guide detection and threat hunting" in text


def test_long_name_lists_are_shortened_with_a_count():
    doc = Document(text="Many groups.")
    actors = [entity("threat-actor", f"Group {n}") for n in range(1, 7)]

    assert "threat actors Group 1, Group 2, Group 3, Group 4 and 2 more" in assessment_of(
        doc, entities=actors
    )


def test_known_benign_values_are_mentioned_but_not_counted():
    doc = Document(text="Example: 192.0.2.1.")

    text = assessment_of(doc, [indicator("ipv4", "192.0.2.1", benign="RFC 5737")])

    assert "It names no indicators of compromise" in text
    assert "1 value is on a list of known-benign values and is not counted." in text


def test_assessment_is_deterministic():
    doc = Document(text=SEED.read_text(encoding="utf-8"))

    assert assessment_of(doc) == assessment_of(doc)


def test_assessment_quotes_the_exploitation_phrase_of_its_own_document():
    cve = [indicator("cve", "CVE-2024-3400")]
    urgent = Document(title="Zero-day in VPN appliance", text="Patch CVE-2024-3400 now.")
    routine = Document(title="VPN appliance update", text="Patch CVE-2024-3400 in the next cycle.")

    urgent_text = assessment_of(urgent, cve)
    routine_text = assessment_of(routine, cve)

    assert urgent_text.endswith("It reports exploitation ('Zero-day'): treat it as urgent.")
    assert "exploitation" not in routine_text
    assert routine_text.startswith("This is a tactical report on vulnerability, of medium priority.")
