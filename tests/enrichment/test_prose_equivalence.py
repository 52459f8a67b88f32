"""The key phrases' fast path gives what the plain definition gives.

Key phrases are read from whitespace chunks looked up in a vocabulary table,
not from a regex pass over each sentence (issue 11, speed). These tests hold
them to the plain definition (the code before that change) on the labelled
articles and on fuzzed text: Unicode, apostrophes, digits, hashes,
abbreviations, odd whitespace, repeats and very long tokens.
"""

from __future__ import annotations

import heapq
import json
import math
import random
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from articles.enrichment import keywords as kw
from articles.enrichment import summarize as sm

HERE = Path(__file__).parent
_PIECES_TEXT = (
    "the a of and to in is it's Microsoft's attackers' O'Brien rock-'n'-roll don\u2019t APT28 APT28's "
    "T1059.001 e.g. i.e. U.S. Mr. Dr. etc. vs. no. café naïve Straße İstanbul \u212aelvin \u017fun "
    "ΑΘΗΝΑ αθήνα 東京 e\u0301 ﬁle ǅ x 2024 3.14 1,000 CVE-2024-1234 deadbeefdeadbeefdeadbeef "
    "DEADBEEFDEADBEEF00 0123456789abcdef0123 ransomware Ransomware RANSOMWARE iPhone eBay zero-day "
    "-- - ' '' \u2019 \u2019s 's 'S a' -a a- ... \u2026 ! ? !? ( ) [ ] \" \"' ') sovereign AI "
    "cybersecurity partnerships data breach threat actor a b a b a hxxps://evil[.]com/p 10.0.0.1"
)
PIECES = _PIECES_TEXT.split()
SEPARATORS = [" "] * 30 + [
    *("  ", "\n", "\n\n", ". ", "! ", "? ", ".\n", "\t", "\r\n", "\u00a0", "\u2028", "\x85"),
    *("\x0b", "\x0c", "\x1c", "\x1f", "\u3000", ".) ", '." ', "?' ", "...", ". . ", ";", ", "),
]


def _labelled_texts() -> list[str]:
    texts = []
    for folder in ("corpus", "heldout"):
        for path in sorted((HERE / folder).glob("*.json")):
            article = json.loads(path.read_text(encoding="utf-8"))
            texts.append(f"{article['title']}\n{article['text']}")
    return texts


def _fuzzed(count: int, seed: int, prose: list[str]) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 120)):
            roll = rng.random()
            if roll < 0.35:
                sentence = rng.choice(prose)
                parts.append(sentence.upper() if roll < 0.05 else sentence)
            elif roll < 0.96:
                parts.append(rng.choice(PIECES))
            elif roll < 0.98:
                parts.append("".join(rng.choice("abcXYZ01'-\u2019") for _ in range(rng.randint(90, 3000))))
            else:
                parts.append("".join(chr(rng.randint(0x20, 0x3000)) for _ in range(rng.randint(1, 40))))
            parts.append(rng.choice(SEPARATORS))
        text = "".join(parts)
        texts.append(text * rng.randint(2, 4) if rng.random() < 0.05 else text)
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    labelled = _labelled_texts()
    prose = [s for text in labelled for s in sm.split_sentences(text)[:8]]
    return labelled + _fuzzed(400, 11, [s.text for s in prose])


# The plain definitions: the code as it was before the chunk tables.


def _plain_keywords(text: str, limit: int = 8) -> list[str]:
    sentences = kw._sentences(kw._bounded(text))
    tokens: list[str] = []
    starts = []
    for sentence in sentences:
        starts.append(len(tokens))
        tokens += kw._TOKEN.findall(sentence)
        tokens.append("\n")
    forms = ["" if token == "\n" else kw._candidate_form(token) for token in tokens]
    keys = [form.lower() for form in forms]
    word_count = Counter(keys)
    word_count.pop("", None)
    if not word_count:
        return []
    ends = [*starts[1:], len(tokens)]
    word_sentences = Counter(word for a, b in zip(starts, ends, strict=True) for word in set(keys[a:b]))
    opening_forms = Counter([forms[start] for start in starts if forms[start]])
    written_forms = Counter(forms)
    written_forms.pop("", None)
    for form, count in opening_forms.items():
        written_forms[form] -= count
        if not written_forms[form]:
            del written_forms[form]
    capitalised: dict[str, int] = {}
    lower_case_seen: set[str] = set()
    for form, count in written_forms.items():
        if form[0].isupper():
            capitalised[form.lower()] = capitalised.get(form.lower(), 0) + count
        else:
            lower_case_seen.add(form.lower())
    top_count = max(word_count.values())
    sentence_total = max(len(sentences), 1)
    word_score = {
        word: count / top_count
        + word_sentences[word] / sentence_total
        + 0.5 * capitalised.get(word, 0) / count
        for word, count in word_count.items()
    }
    scored = [(-(word_score[word] * (1.0 + math.log(count))), (word,)) for word, count in word_count.items()]
    grams = [tuple(keys[i : i + n]) for n in (2, 3) for i in range(len(keys) - n + 1)]
    for phrase, count in Counter(g for g in grams if all(g)).items():
        if count > 1:
            mean = sum(word_score[word] for word in phrase) / len(phrase)
            cohesion = count / min(word_count[word] for word in phrase)
            score = mean * (1.0 + math.log(count)) * (1.0 + cohesion * (len(phrase) - 1))
            scored.append((-score, phrase))
    heapq.heapify(scored)
    chosen: list[tuple[str, ...]] = []
    in_chosen_phrases: set[str] = set()
    while scored and len(chosen) < limit:
        phrase = heapq.heappop(scored)[1]
        words = set(phrase)
        if any(words <= set(other) for other in chosen):
            continue
        if len(phrase) > 1 and words & in_chosen_phrases:
            continue
        chosen.append(phrase)
        if len(phrase) > 1:
            in_chosen_phrases |= words
    needed = {word for phrase in chosen for word in phrase}
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for form, count in written_forms.items():
        if form.lower() in needed:
            spellings[form.lower()][form] += count
    for form, count in opening_forms.items():
        word = form.lower()
        if word in needed and word not in spellings and not form[1:].islower():
            spellings[word][form] += count
    return [" ".join(kw._spelling(word, spellings, lower_case_seen) for word in p) for p in chosen]


def test_key_phrases_are_the_plain_definitions(texts: list[str]) -> None:
    for text in texts:
        for limit in (1, 8, 20):
            assert kw.keywords(text, limit) == _plain_keywords(text, limit), (text[:200], limit)


def test_repeated_phrases_count_overlapping_repeats() -> None:
    keys = ["a", "b", "a", "b", "a", "", "c", "d", "e", "", "c", "d", "e", "c", "d"]
    assert kw._repeated_phrase_counts(keys) == {
        ("a", "b"): 2,
        ("b", "a"): 2,
        ("c", "d"): 3,
        ("d", "e"): 2,
        ("a", "b", "a"): 2,
        ("c", "d", "e"): 2,
    }


def _plain_repeated_phrases(keys: list[str]) -> dict[tuple[str, ...], int]:
    runs = [keys[i : i + n] for n in (2, 3) for i in range(len(keys) - n + 1)]
    counts = Counter(tuple(run) for run in runs if all(run))
    return {phrase: count for phrase, count in counts.items() if count > 1}


@pytest.mark.parametrize("vocabulary", [3, 30, 400])
def test_a_few_words_in_every_order_are_counted_in_one_pass_with_the_same_result(vocabulary: int) -> None:
    # 30 words in random order repeat almost every pair, and each pair's phrases would be
    # searched for in the whole text one by one: hundreds of times slower than one pass.
    rng = random.Random(vocabulary)
    words = [f"word{n}" for n in range(vocabulary)]
    keys = [rng.choice(words) if rng.random() > 0.05 else "" for _ in range(3000)]
    assert kw._repeated_phrase_counts(keys) == _plain_repeated_phrases(keys)
    text = " ".join(key or "." for key in keys)
    assert kw.keywords(text) == _plain_keywords(text, 8)
