"""Vendors' working names (APT28, Storm-0501, TEMP.Veles) are found as the plain definition finds them.

``entities._with_designations`` tests "not after a word character or hyphen" in Python
and finds the covering galaxy span by bisection (issue 11, speed). These tests hold it to
the plain definition, a leading lookbehind and a scan of every span, on fuzzed text built
from designations, their near misses and the characters at their edges.
"""

from __future__ import annotations

import random
import re

import pytest

from articles.enrichment import entities

_PLAIN = re.compile(r"(?<![\w-])" + entities._DESIGNATION.pattern)

_PIECES = [
    "APT28", "APT1", "APT1234", "FIN7", "FIN123", "UNC3886", "UNC12", "TA505", "TA1234", "TA399",
    "Storm-0501", "Storm-05", "DEV-0537", "UAC-0050", "TAG-22", "TAG-2222", "CL-STA-0043",
    "CL-XYZ-0043", "TEMP.Veles", "TEMP.veles", "TEMP.Storm-0501", "TEMP.", "MS-TA505", "XAPT28",
    "_FIN7", "é", "ñAPT28", "٣APT28", "1APT28", ".", "-", "_", " ", "\n", "(", ")", "/", "@",
    "a", "Z", "0", "the group ", "APT28-", "APT28_", "APT28.", "Storm-0501x",
]  # fmt: skip


def _plain(text: str, spans: list[tuple[int, int, int]], target: int) -> list[tuple[int, int, int]]:
    found = [
        (match.start(), match.end(), target)
        for match in _PLAIN.finditer(text)
        if not any(start < match.end() and match.start() < end for start, end, _ in spans)
    ]
    return sorted([*spans, *found]) if found else spans


def _random_spans(rng: random.Random, length: int) -> list[tuple[int, int, int]]:
    """Sorted, non-overlapping spans, as the name matcher returns them."""
    spans, position = [], 0
    while position < length:
        start = position + rng.randrange(0, 12)
        end = min(length, start + rng.randrange(1, 12))
        if start >= length:
            break
        spans.append((start, end, rng.randrange(5)))
        position = end + rng.randrange(0, 3)
    return spans


@pytest.mark.parametrize("seed", range(4))
def test_designations_equal_the_plain_definition(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2_000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randrange(1, 25)))
        spans = _random_spans(rng, len(text)) if rng.random() < 0.7 else []
        assert entities._with_designations(text, spans, 99) == _plain(text, spans, 99), text
