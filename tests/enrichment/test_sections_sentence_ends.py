"""The reading text's sentence ends are found by a regex written for speed (issue 11);
it must find what its plain form finds, on every kind of white space and quote."""

from __future__ import annotations

import random
import re

from articles.enrichment import sections

PLAIN = re.compile(r"(?<=[.!?\u2026])[\"'\u201d\u2019)]*\s+|\s*\n\s*")
WHITE_SPACE = [chr(code) for code in range(0x3001) if re.match(r"\s", chr(code))]
PIECES = [*WHITE_SPACE, *"a.!?\u2026\"'\u201d\u2019)(x\u00e9", "\r\n", ". ", ".\n", "Mr. ", ".) "]


def test_sentence_ends_are_the_plain_forms() -> None:
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 25)))
        assert [m.span() for m in sections._SENTENCE_END.finditer(text)] == [
            m.span() for m in PLAIN.finditer(text)
        ], repr(text)
