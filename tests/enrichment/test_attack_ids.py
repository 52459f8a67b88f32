"""ATT&CK IDs as older reports write them: revoked and deprecated IDs keep what was
written and say what replaced them; IDs ATT&CK never had are reported as unknown."""

from __future__ import annotations

import pytest

from articles.enrichment.attack_ids import RETIRED_REF, UNKNOWN_REF, attack_id_table
from articles.enrichment.pipeline import get_pipeline
from articles.enrichment.types import Document


@pytest.fixture(scope="module")
def techniques():
    pipeline = get_pipeline()

    def run(text: str) -> list[tuple[str, str | None, str, str | None]]:
        return [
            (f.matched, f.external_id, f.ref, f.note)
            for f in pipeline.run(Document(text)).entities
            if f.kind == "attack-pattern"
        ]

    return run


def test_a_revoked_id_is_kept_as_written_and_names_its_successor(techniques) -> None:
    assert techniques("The macro ran T1086 after T1193.") == [
        (
            "T1086",
            "T1059.001",
            "misp-galaxy:mitre-attack-pattern",
            "T1086 was revoked by ATT&CK; now T1059.001 Command and Scripting Interpreter: PowerShell",
        ),
        (
            "T1193",
            "T1566.001",
            "misp-galaxy:mitre-attack-pattern",
            "T1193 was revoked by ATT&CK; now T1566.001 Phishing: Spearphishing Attachment",
        ),
    ]


def test_a_deprecated_id_points_to_the_technique_attack_suggests(techniques) -> None:
    [(matched, external_id, _, note)] = techniques("Droppers relied on T1064 in 2018.")
    assert (matched, external_id) == ("T1064", "T1064")
    assert note == "T1064 was deprecated by ATT&CK; see T1059 Command and Scripting Interpreter"


def test_a_retired_id_without_successor_is_reported_not_dropped(techniques) -> None:
    assert techniques("They used T1051 on the intranet server.") == [
        (
            "T1051",
            "T1051",
            "misp-galaxy:mitre-attack-pattern",
            "T1051 was deprecated by ATT&CK: retired, no successor",
        )
    ]
    # A PRE-ATT&CK ID the galaxies loader drops is still reported, under its old name.
    assert techniques("Recon matched T1261 in the old matrix.") == [
        ("T1261", "T1261", RETIRED_REF, "T1261 was deprecated by ATT&CK: retired, no successor")
    ]


def test_unknown_sub_techniques_and_ids_are_reported_as_unknown(techniques) -> None:
    assert techniques("Mapped to T1086.002 and T1999.") == [
        ("T1086.002", "T1086.002", UNKNOWN_REF, "unknown ATT&CK technique (T1086 has no sub-technique .002)"),
        ("T1999", "T1999", UNKNOWN_REF, "unknown ATT&CK technique (no such ID)"),
    ]


def test_current_ids_carry_no_note_and_ids_glued_to_words_are_ignored(techniques) -> None:
    assert techniques("T1059.001 ran; XT1999 and T19990 are not IDs.") == [
        ("T1059.001", "T1059.001", "misp-galaxy:mitre-attack-pattern", None)
    ]


def test_every_revoked_successor_is_a_current_technique() -> None:
    table = attack_id_table()
    successors = {s.successor_id for s in table.values() if s.successor_id}
    assert successors and all(table[s].status == "current" for s in successors)
