"""Field-text forms that could make indicator extraction rescan its input: each repeated to
a megabyte, extraction must stay linear. Shared by the test that catches a quadratic path
(tests/enrichment/test_indicator_field_text.py) and the bench that times the 1 s target
(bench/indicators_speed.py)."""

from __future__ import annotations

import time

HOSTILE = {
    "userinfo without a host": "http://" + "u" * 60 + ":" + "p" * 60 + "@",
    "bare hosts with paths": "evil.com/a" + "/b" * 50 + " ",
    # No whitespace anywhere: each "](" cut must not make the next URL rescan the rest.
    "markdown links": "[https://a.com/p](https://a.com/p)" + "-x" * 40,
    "glued addresses": "host1.2.3.4port",
    "glued address chain": "1.2.3.4x",
    "redacted addresses": "x.x.x.x.",
    "hex letters": "deadbeef",
    "underscored hex": "_" + "a1" * 16,
    "cve spellings": "cve_2021_ CVE 2017-",
    "attack ids": "T1086.002T",
    "look-alike dots": "a\uff0e",
    "obfuscated schemes": "h**p://",
    "json-escaped urls": "http:\\/\\/a.com\\/",
    "leading dots and double dashes": "'.a.com" + "-" * 40,
    "wrapped hex": "0a1b2c3d4e5f6a7b8c9d-\n",
}


def megabyte(piece: str, size: int = 1_000_000) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def extraction_seconds(extractor, text: str) -> float:
    """The better of two runs of indicator extraction and the ATT&CK id pass over ``text``
    (after one small run: the suffix list and the ATT&CK table are built once a process)."""
    from articles.enrichment import attack_ids
    from articles.enrichment.types import Document

    extractor.run(Document("evil.com T1059"))
    attack_ids.annotate("T1059", [])

    def seconds() -> float:
        started = time.perf_counter()
        extractor.run(Document(text), [])
        attack_ids.annotate(text, [])
        return time.perf_counter() - started

    return min(seconds(), seconds())
