"""The summary's near-duplicate test files only shared words, with the same result.

``summarize._unique`` files a kept sentence under the words some other sentence
also has, not under all its words (issue 11, speed). These tests hold it to the
plain definition, the code before that change, on the labelled articles, fuzzed
text and texts of sentences repeated with a word dropped, doubled or swapped
(near-duplicates on both sides of the threshold).
"""

from __future__ import annotations

import random

import pytest

from articles.enrichment import summarize as sm
from tests.enrichment.test_prose_equivalence import _fuzzed, _labelled_texts


def _plain_unique(texts: list[str]) -> list[tuple[int, list[str], set[str]]]:
    """Each sentence compared, by shared word counts, with every kept sentence."""
    kept: list[tuple[int, list[str], set[str]]] = []
    seen: set[bytes] = set()
    for index, text in enumerate(texts):
        lowered = text.lower()
        fingerprint = sm._fingerprint_of_lowered(lowered)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        words = sm._content_words_of_lowered(lowered)
        word_set = set(words)
        if any(
            len(word_set & other) / min(len(word_set), len(other)) >= sm.NEAR_DUPLICATE
            for _, _, other in kept
            if word_set & other
        ):
            continue
        kept.append((index, words, word_set))
    return kept


def _near(sentence: str, rng: random.Random) -> str:
    words = sentence.split()
    roll = rng.random()
    if roll < 0.3 and len(words) > 3:
        del words[rng.randrange(len(words))]
    elif roll < 0.6:
        words.insert(rng.randrange(len(words) + 1), rng.choice(words))
    elif roll < 0.8 and len(words) > 1:
        at = rng.randrange(len(words) - 1)
        words[at], words[at + 1] = words[at + 1], words[at]
    return " ".join(words)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    labelled = _labelled_texts()
    prose = [s.text for text in labelled for s in sm.split_sentences(text)]
    rng = random.Random(3)
    repeated = []
    for _ in range(400):
        sentences = [rng.choice(prose) for _ in range(rng.randint(1, 60))]
        sentences = [_near(s, rng) if rng.random() < 0.4 else s for s in sentences]
        repeated.append(rng.choice([" ", "\n", "  "]).join(sentences))
    return labelled + _fuzzed(300, 21, prose) + repeated


def test_kept_sentences_are_the_plain_definitions(texts: list[str]) -> None:
    dropped = 0
    for text in texts:
        sentences = [s.text for s in sm.split_sentences(text)]
        kept = sm._unique(sentences)
        assert kept == _plain_unique(sentences), text[:300]
        fingerprints = {sm._fingerprint_of_lowered(s.lower()) for s in sentences}
        dropped += len(kept) < len(fingerprints)
    # Near-duplicates were there to be dropped, in most of the texts.
    assert dropped > len(texts) // 3
