"""The term index's word-start search finds what a split of the whole text finds.

``PhraseIndex.find`` tokenizes only where a first word of some phrase occurs
(found with an automaton over the lower-cased text), not the whole text (issue 11,
speed). These tests hold it to the plain definition, the code before that change:
split the text into words with one regex pass, then walk every word, on the
labelled articles and on fuzzed text made of the terms' own phrases in every
casing, glued to joiners, digits and characters that lower-case to ASCII.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from articles.enrichment import terms

HERE = Path(__file__).parent

_TOKEN_SPLIT = re.compile(f"({terms._TOKEN.pattern})")


def _plain_find(index: terms.PhraseIndex, text: str) -> list[terms.PhraseHit]:
    """Leftmost-longest hits from the words of one split of the whole text."""
    parts = _TOKEN_SPLIT.split(text)
    written = parts[1::2]
    folded = [word.lower() for word in written]
    offsets = []
    offset = 0
    for number, part in enumerate(parts):
        if number % 2:
            offsets.append(offset)
        offset += len(part)
    hits: list[terms.PhraseHit] = []
    consumed_until = 0
    for position, first in enumerate(folded):
        if position < consumed_until or first not in index._sizes:
            continue
        for size in index._sizes[first]:
            end = position + size
            if end > len(folded):
                continue
            owners = index._folded.get(tuple(folded[position:end]), []) + index._exact.get(
                tuple(written[position:end]), []
            )
            if owners:
                start = offsets[position]
                surface = text[start : offsets[end - 1] + len(written[end - 1])]
                hits += [terms.PhraseHit(group, number, surface, start) for group, number in owners]
                consumed_until = end
                break
    return hits


def _phrases() -> list[str]:
    groups = [*terms.CATEGORY_TERMS.values(), terms.EXPLOITATION_TERMS]
    return [phrase.lstrip("=") for group in groups for one_term in group for phrase in one_term.phrases]


_GLUE = [
    *(" ", " ", " ", " ", "  ", "\n", ". ", ", ", "-", "'", "\u2019", "--", "'-", "-'", "_"),
    *("\u212a", "\u0130", "\u00e9", "1", "a", "Z", "\u00a0", "(", ")", "/", ".", "\u017f"),
]


def _fuzzed(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    phrases = _phrases()
    casings = [str, str.lower, str.upper, str.title, str.capitalize, str.swapcase]
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 80)):
            roll = rng.random()
            if roll < 0.6:
                phrase = rng.choice(casings)(rng.choice(phrases))
            elif roll < 0.8:
                phrase = rng.choice(phrases).replace("k", "\u212a").replace("s", "\u017f")
            else:
                phrase = "".join(rng.choice("abcdefkrst01-'\u2019 ") for _ in range(rng.randint(1, 12)))
            parts += [phrase, rng.choice(_GLUE)]
        texts.append("".join(parts))
    return texts


def _labelled_texts() -> list[str]:
    texts = []
    for folder in ("corpus", "heldout"):
        for path in sorted((HERE / folder).glob("*.json")):
            article = json.loads(path.read_text(encoding="utf-8"))
            texts += [article["title"], article["text"]]
    return texts


def _dense(seed: int) -> list[str]:
    """Texts of nothing but phrase first words and phrases, run together: every word starts
    a candidate (the worst case for the word-start search, bench/README.md)."""
    rng = random.Random(seed)
    firsts = sorted({phrase.split()[0] for phrase in _phrases()})
    return [
        " ".join(rng.choice(firsts if rng.random() < 0.7 else _phrases()) for _ in range(400))
        for _ in range(20)
    ]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    dense = ["zero " * 50, "zero day " * 30 + "zero", "known exploited " * 40, *_dense(3)]
    return ["", "-", "zero", "zero-", "-zero", *dense, *_labelled_texts(), *_fuzzed(1500, 5)]


@pytest.mark.parametrize(
    "index", [terms.CATEGORY_INDEX, terms.EXPLOITATION_INDEX], ids=["category", "exploit"]
)
def test_phrase_hits_are_those_of_a_whole_text_split(index: terms.PhraseIndex, texts: list[str]) -> None:
    for text in texts:
        assert index.find(text) == _plain_find(index, text), text[:300]


def test_an_index_built_later_is_searched_for_in_a_text_seen_before() -> None:
    text = "The quokka campaign hit banks."
    assert [hit.surface for hit in terms.CATEGORY_INDEX.find(text)] == ["campaign"]
    later = terms.PhraseIndex({"animals": (terms.term(1, "quokka campaign|quokka"),)})
    assert [hit.surface for hit in later.find(text)] == ["quokka campaign"]
    assert [hit.surface for hit in terms.CATEGORY_INDEX.find(text)] == ["campaign"]
