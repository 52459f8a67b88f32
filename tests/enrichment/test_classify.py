"""Classification: category, intelligence level and priority, each with a reason."""

from pathlib import Path

from articles.enrichment.classify import classify, exploitation_signal
from articles.enrichment.terms import CATEGORY_INDEX, EXPLOITATION_INDEX
from articles.enrichment.types import Document, EntityFinding, IndicatorFinding

SEED = next((Path(__file__).parents[2] / "seeds").glob("000_*.txt"))
SEED_TITLE = "Microsoft Bets $10B to Boost Japan's AI, Cybersecurity"


def indicator(kind: str, value: str, benign: str | None = None) -> IndicatorFinding:
    return IndicatorFinding(kind, value, 0, len(value), value, False, benign)


def entity(kind: str, name: str, ref: str = "misp-galaxy:test", external_id=None) -> EntityFinding:
    return EntityFinding(kind, name, name, 0, len(name), ref, external_id)


def test_seed_article_is_strategic_industry_investment_of_low_priority():
    doc = Document(text=SEED.read_text(encoding="utf-8"), title=SEED_TITLE)
    found = [entity("organization", "Microsoft"), entity("country", "Japan")]

    result = classify(doc, [], found)

    assert (result.category, result.intel_level, result.priority) == (
        "industry-investment",
        "strategic",
        "low",
    )
    assert result.reasons[-2].startswith("Strategic: no indicators")


def test_indicator_reason_counts_distinct_values_by_type():
    doc = Document(text="Block these.")
    found = [
        indicator("ipv4", "203.0.113.7"),
        indicator("ipv4", "198.51.100.9"),
        indicator("ipv4", "198.51.100.9"),
        indicator("sha256", "a" * 64),
    ]

    result = classify(doc, found, [])

    assert result.reasons[0] == "3 indicators of compromise found (2 IPv4, 1 SHA-256)."
    assert result.intel_level == "tactical"
    assert result.priority == "high"


def test_benign_indicators_alone_leave_the_report_strategic():
    doc = Document(text="Our documentation uses 192.0.2.1 as an example address.")
    found = [indicator("ipv4", "192.0.2.1", benign="RFC 5737")]

    result = classify(doc, found, [])

    assert result.intel_level == "strategic"
    assert "1 value(s) set aside as known-benign (MISP warning list: RFC 5737)." in result.reasons


def test_cve_exploited_in_the_wild_is_critical_vulnerability():
    doc = Document(
        title="Fortinet patches zero-day",
        text="CVE-2024-21762 is exploited in the wild; apply the security update now.",
    )

    result = classify(doc, [indicator("cve", "CVE-2024-21762")], [])

    assert (result.category, result.intel_level, result.priority) == (
        "vulnerability",
        "tactical",
        "critical",
    )
    assert "1 vulnerability referenced: CVE-2024-21762." in result.reasons
    assert result.reasons[-1] == "Critical: the report says 'zero-day'."


def test_named_ransomware_family_makes_a_ransomware_report():
    doc = Document(text="The gang encrypted files at a hospital and demanded payment.")
    found = [entity("malware", "LockBit", ref="misp-galaxy:ransomware")]

    result = classify(doc, [], found)

    assert result.category == "ransomware"
    assert result.intel_level == "operational"
    assert result.priority == "high"


def test_actor_without_indicators_is_operational_threat_actor_of_high_priority():
    doc = Document(text="The espionage group targeted ministries with spear-phishing.")
    found = [
        entity("threat-actor", "APT28"),
        entity("attack-pattern", "Phishing", external_id="T1566"),
    ]

    result = classify(doc, [], found)

    assert (result.category, result.intel_level, result.priority) == (
        "threat-actor",
        "operational",
        "high",
    )
    assert "Threat actors named: APT28." in result.reasons
    assert "ATT&CK techniques described: T1566 Phishing." in result.reasons


def test_tool_alone_makes_a_medium_operational_report():
    doc = Document(text="Administrators should watch for unexpected remote sessions.")

    result = classify(doc, [], [entity("tool", "AnyDesk")])

    assert (result.intel_level, result.priority) == ("operational", "medium")


def test_phishing_wording_gives_fraud_phishing():
    doc = Document(
        title="Phishing kit targets bank customers",
        text="Scammers send fake login pages that impersonate the bank; the fraud nets millions.",
    )

    assert classify(doc, [], []).category == "fraud-phishing"


def test_regulation_wording_gives_policy_regulation():
    doc = Document(
        title="SEC adopts cyber disclosure rules",
        text="The regulator's new regulation requires compliance within four days; fines follow.",
    )

    assert classify(doc, [], []).category == "policy-regulation"


def test_breach_wording_gives_breach():
    doc = Document(text="A data breach exposed records of 2 million customers; leaked data is out.")

    assert classify(doc, [], []).category == "breach"


def test_text_with_no_security_words_is_other():
    doc = Document(text="The recipe calls for two cups of flour and an hour in the oven.")

    result = classify(doc, [], [])

    assert (result.category, result.intel_level, result.priority) == ("other", "strategic", "low")


def test_acronym_terms_only_match_in_upper_case():
    doc = Document(text="An apt description: the rat ran to the sec office.")

    assert classify(doc, [], []).category == "other"


def test_phrase_hits_are_leftmost_longest_with_spans_as_written():
    text = "Exposed data breach: Remote Code Execution (RCE) via spear-phishing, not phishing."

    hits = [(h.group, h.surface, h.start) for h in CATEGORY_INDEX.find(text)]

    assert hits == [
        ("breach", "Exposed data", 0),
        ("breach", "breach", 13),
        ("vulnerability", "Remote Code Execution", 21),
        ("vulnerability", "RCE", 44),
        ("threat-actor", "spear-phishing", 53),
        ("fraud-phishing", "phishing", 73),
    ]
    assert all(text[start : start + len(surface)] == surface for _, surface, start in hits)


def test_longer_exploitation_phrase_wins_over_its_first_word():
    text = "The flaw is exploited in the wild."

    assert [h.surface for h in EXPLOITATION_INDEX.find(text)] == ["exploited in the wild"]
    assert [h.surface for h in CATEGORY_INDEX.find(text)] == ["exploited"]


def test_exploitation_signal_of_one_document_does_not_carry_over_to_the_next():
    exploited = Document(text="CVE-2024-3400 is under active exploitation.")
    quiet = Document(text="CVE-2024-3400 was fixed in the March release.")
    cve = [indicator("cve", "CVE-2024-3400")]

    assert classify(exploited, cve, []).priority == "critical"
    assert classify(quiet, cve, []).priority == "medium"
    assert exploitation_signal(exploited) == "under active exploitation"
    assert exploitation_signal(quiet) is None


def test_title_signal_is_reported_before_one_in_the_text():
    doc = Document(title="Zero-day in VPN appliance", text="The bug is actively exploited.")

    assert exploitation_signal(doc) == "Zero-day"


def test_ransomware_and_other_malware_are_told_apart_in_one_report():
    text = "The LockBit 3.0 ransomware hit a port while Emotet spread by e-mail."
    found = [
        EntityFinding("malware", "LockBit", "LockBit", 4, 11, "malpedia"),
        EntityFinding("malware", "Emotet", "Emotet", 44, 50, "malpedia"),
    ]

    result = classify(Document(text=text), [], found)

    assert result.category == "ransomware"
    assert result.reasons[1] == (
        "Category 'ransomware' (score 7): terms 'ransomware'; ransomware named (LockBit)."
    )
