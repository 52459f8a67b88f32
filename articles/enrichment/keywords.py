"""Key phrases of an article, in the YAKE / RAKE family, with no model and no downloads.

Candidates are runs of one to three content words between stop words and
punctuation. A word is worth more when it is frequent, spread over many
sentences, and written with a capital in mid-sentence (names, acronyms); a
phrase is worth the mean of its words, more when it repeats as a whole. Phrases
already covered by a better one are skipped, so "sovereign AI" does not come
back as "AI". The ``yake`` package was considered and not used: it pulls in
numpy, networkx, jellyfish and segtok for a task this small.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from itertools import chain, compress, filterfalse
from operator import not_
from typing import Any, TypeVar

from articles.enrichment.stopwords import STOP_WORDS

_V = TypeVar("_V")

VERSION = "1.0.0"

# Tokens: words (with inner hyphens and apostrophes) or any run of punctuation. The first
# way each branch matches is always the one kept, so the quantifiers are possessive: the
# engine saves no backtracking points it would never use (same tokens, fewer steps).
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*+(?:['\u2019-][A-Za-z0-9]+)*+|[^\sA-Za-z]++")
# "[.!?]\s|\n", written to open with one character class so the regex engine can skip
# ahead to candidates instead of trying both branches at every character.
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=[.!?])\s|(?<=\n))")
# Long hex runs are hashes: indicators, not topics.
_HEX = re.compile(r"[0-9a-f]{16,}", re.IGNORECASE)
MAX_PHRASE_WORDS = 3
MIN_WORD_LENGTH = 2
# Only the first ~20 KB are read. News puts its subject up front, so a longer text
# (a pasted report, a whole PDF) rarely changes the top phrases, while the work grows
# with its length; the bound keeps one huge document from stalling a worker.
MAX_TEXT_CHARS = 20_000
# Marks a sentence boundary in the flat chunk list; never a chunk (chunks hold no spaces).
_BREAK = "\n"
# 1 + ln(n) for every count a bounded text can reach (a content word is at least two
# characters long), looked up rather than computed per word.
# More three-word candidates than this are counted in one pass over the text rather than
# searched for one by one (an article has 1-15; 64 searches cost about that one pass).
_MAX_PHRASE_SEARCHES = 64
_ONE_PLUS_LOG = [1.0, *(1.0 + math.log(count) for count in range(1, MAX_TEXT_CHARS // 2 + 1))]


def _bounded(text: str) -> str:
    """At most MAX_TEXT_CHARS of ``text``, cut at a space so no word is cut in half."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_TEXT_CHARS)
    return text[: cut if cut > 0 else MAX_TEXT_CHARS]


def _sentences(text: str) -> list[str]:
    """Sentences, each once: a repeated paragraph must not count its phrases twice."""
    return list(dict.fromkeys(filter(None, map(str.strip, _SENTENCE_END.split(text)))))


def _is_candidate_word(token: str) -> bool:
    return (
        token[0].isalpha()
        and len(token) >= MIN_WORD_LENGTH
        and token.lower() not in STOP_WORDS
        and not (len(token) >= 16 and _HEX.fullmatch(token))
    )


def _candidate_form(token: str) -> str:
    """The token as a content word ("Microsoft's" -> "Microsoft"), or "" if it is none."""
    word = token.replace("\u2019", "'")
    if word.endswith(("'s", "'S")):
        word = word[:-2]
    return word if _is_candidate_word(word) else ""


# Vocabulary repeats from article to article, so the tokens of each whitespace-separated
# chunk of text ("Microsoft's", "attack,", "(APT28)"), as candidate forms and as keys
# (the forms lower-cased, what words are counted by), are kept between calls: a sentence's
# tokens are then its ``str.split()`` chunks looked up, with no regex pass. That gives the
# same tokens: a token never holds whitespace, and ``str.split`` splits exactly where the
# regex's ``\s`` matches. A table is cleared when it grows too big (a lookup that then
# misses computes its entry again); chunks longer than _MAX_CACHED_CHUNK characters (a
# pasted hash list, a long URL) are computed for each use and not kept.
_CHUNK_CACHE_SIZE = 100_000
_MAX_CACHED_CHUNK = 100


class _Table(dict[str, _V]):
    """Values computed on first lookup and kept (see above)."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], _V]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> _V:
        value = self._compute(key)
        if len(key) <= _MAX_CACHED_CHUNK:
            if len(self) >= _CHUNK_CACHE_SIZE:
                self.clear()
            self[key] = value
        return value


def _chunk_forms(chunk: str) -> tuple[str, ...]:
    # _BREAK is never split into tokens: it stands for one that ends every run.
    return ("",) if chunk == _BREAK else tuple(map(_candidate_form, _TOKEN.findall(chunk)))


def _joined_forms(chunk: str) -> str:
    return " ".join(_chunk_forms(chunk))


# A chunk's forms joined by spaces (they hold none): a sentence's are its chunks' joined
# again, and split, and lower-cased for the keys, in C rather than per chunk.
_FORMS: _Table[str] = _Table(_joined_forms)
# Per candidate form, its key.
_FORM_KEYS: _Table[str] = _Table(str.lower)


def _first_word(joined: str) -> str:
    return joined.partition(" ")[0]


def _repeated_phrase_counts(keys: list[str]) -> dict[tuple[str, ...], int]:
    """Counts of the two- and three-word phrases inside runs ("" ends a run) seen twice or more.

    A multi-word phrase seen once is usually an accident of word order, so those
    are dropped here, before any scoring.
    """
    # Built from a shifted copy of the whole list, not per word: this is the hot path
    # (``pairwise`` gives the same pairs with some 2 % more instructions for the stage).
    second = keys[1:]
    pair_counts = Counter([(a, b) for a, b in zip(keys, second, strict=False) if a and b])
    repeated: dict[tuple[str, ...], int] = {pair: count for pair, count in pair_counts.items() if count > 1}
    # A three-word phrase seen twice has both its pairs seen twice: only those few are
    # counted, as whole words in the keys joined by spaces (keys hold none; "" leaves two).
    after: dict[str, list[str]] = {}
    for a, b in repeated:
        after.setdefault(a, []).append(b)
    candidates = [(a, b, c) for a, b in repeated for c in after.get(b, ())]
    if len(candidates) > _MAX_PHRASE_SEARCHES:
        # Each search reads the whole text: a text of a few words repeated in every order
        # has thousands of candidates, so it counts every three-word run once instead.
        third = keys[2:]
        runs = Counter([(a, b, c) for a, b, c in zip(keys, second, third, strict=False) if a and b and c])
        repeated.update((phrase, count) for phrase, count in runs.items() if count > 1)
        return repeated
    joined = f" {' '.join(keys)} " if candidates else ""
    for a, b, c in candidates:
        phrase = f" {a} {b} {c} "
        count = 0
        at = joined.find(phrase)
        while at >= 0:
            count += 1
            # Overlapping repeats count too ("a b a" twice in "a b a b a").
            at = joined.find(phrase, at + 1)
        if count > 1:
            repeated[a, b, c] = count
    return repeated


def keywords(text: str, limit: int = 8) -> list[str]:
    """Up to ``limit`` key phrases of ``text``, best first."""
    if limit <= 0:
        return []
    sentences = _sentences(_bounded(text))
    # Each sentence's chunks, followed by _BREAK.
    per_sentence = list(map(str.split, sentences))
    for sentence_chunks in per_sentence:
        sentence_chunks.append(_BREAK)
    # Each sentence's tokens as words as written, "" for anything that ends a run of content
    # words, joined by spaces (one trails: _BREAK's); lower-cased, the keys words are
    # counted by; then all of them in one list.
    sentence_forms = [" ".join(map(_FORMS.__getitem__, chunks)) for chunks in per_sentence]
    sentence_keys = [forms.lower().split(" ") for forms in sentence_forms]
    keys = list(chain.from_iterable(sentence_keys))

    word_count = Counter(keys)
    word_count.pop("", None)
    if not word_count:
        return []
    # In how many sentences each word occurs.
    word_sentences = Counter(chain.from_iterable(map(set, sentence_keys)))
    # Spellings that open a sentence say little about case, except for names like "APT28".
    opening_forms = Counter([form for form in map(_first_word, sentence_forms) if form])
    # Each word as written mid-sentence, to show phrases in the article's own spelling.
    written_forms = Counter(" ".join(sentence_forms).split(" "))
    written_forms.pop("", None)
    for form, count in opening_forms.items():
        written_forms[form] -= count
        if not written_forms[form]:
            del written_forms[form]
    # A form in lower case (every form holds a letter) is its own key; the others are
    # few, and are filed by key.
    written = list(written_forms)
    in_lower_case = list(map(str.islower, written))
    lower_case_seen = set(compress(written, in_lower_case))
    capitalised: dict[str, int] = {}
    variants: dict[str, list[str]] = {}
    for form in compress(written, map(not_, in_lower_case)):
        key = _FORM_KEYS[form]
        if form[0].isupper():
            capitalised[key] = capitalised.get(key, 0) + written_forms[form]
        else:
            lower_case_seen.add(key)
        variants.setdefault(key, []).append(form)

    top_count = max(word_count.values())
    sentence_total = max(len(sentences), 1)

    # Scores are negated so the heap yields the best first, ties broken by the phrase.
    # A single word's mean is its own score and its cohesion term vanishes; the
    # sums below add in the same order as a mean over the phrase's words would.
    word_score: dict[str, float] = {}
    scored: list[tuple[Any, ...]] = []
    capitals_of = capitalised.get
    once: list[str] = []
    for word, count in word_count.items():
        if count == 1:
            once.append(word)
            continue
        score = word_score[word] = (
            count / top_count + word_sentences[word] / sentence_total + 0.5 * capitals_of(word, 0) / count
        )
        scored.append((-(score * _ONE_PLUS_LOG[count]), (word,)))
    # A word seen once is in one sentence and in no repeated phrase, and scores one of two
    # values, with a capital or without: each such group enters the heap as its first word
    # (in phrase order) and the group, and each word popped lets the next one in.
    once_score = 1 / top_count + 1 / sentence_total
    for group, score in (
        (list(filterfalse(capitalised.__contains__, once)), once_score + 0.0),
        (list(filter(capitalised.__contains__, once)), once_score + 0.5),
    ):
        if group:
            heapq.heapify(group)
            scored.append((-score, (heapq.heappop(group),), group))
    for phrase, count in _repeated_phrase_counts(keys).items():
        mean = sum(word_score[word] for word in phrase) / len(phrase)
        # Cohesion: how often these words occur only as this phrase ("sovereign AI").
        cohesion = count / min(word_count[word] for word in phrase)
        score = mean * _ONE_PLUS_LOG[count] * (1.0 + cohesion * (len(phrase) - 1))
        scored.append((-score, phrase))
    # Only the first few phrases are ever looked at: a heap gives them without a full sort.
    heapq.heapify(scored)

    chosen: list[tuple[str, ...]] = []
    chosen_sets: list[set[str]] = []
    in_chosen_phrases: set[str] = set()
    while scored and len(chosen) < limit:
        entry = heapq.heappop(scored)
        phrase = entry[1]
        if len(entry) > 2 and entry[2]:
            group = entry[2]
            heapq.heappush(scored, (entry[0], (heapq.heappop(group),), group))
        words = set(phrase)
        # A word joins at most one chosen phrase, and a shorter form of a chosen phrase
        # adds nothing: "cybersecurity partnerships" then not "cybersecurity" nor
        # "cybersecurity infrastructure", while "AI" then "sovereign AI" both stay.
        if any(words <= other for other in chosen_sets):
            continue
        if len(phrase) > 1 and words & in_chosen_phrases:
            continue
        chosen.append(phrase)
        chosen_sets.append(words)
        if len(phrase) > 1:
            in_chosen_phrases |= words
    needed = {word for phrase in chosen for word in phrase}
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for word in needed:
        for form in variants.get(word, ()):
            spellings[word][form] += written_forms[form]
        if word in written_forms:
            spellings[word][word] += written_forms[word]
    for form, count in opening_forms.items():
        word = form.lower()
        if word in needed and word not in spellings and not form[1:].islower():
            spellings[word][form] += count
    return [" ".join(_spelling(word, spellings, lower_case_seen) for word in p) for p in chosen]


def _spelling(word: str, spellings: dict[str, Counter[str]], lower_case_seen: set[str]) -> str:
    """The word as the article writes it mid-sentence most often.

    So "Microsoft" stays "Microsoft" and "AI" stays "AI", while "Ransomware" that
    only opens sentences is shown as "ransomware".
    """
    forms = spellings.get(word)
    if not forms:
        return word
    best = max(forms.items(), key=lambda item: (item[1], item[0]))[0]
    if word in lower_case_seen and not best.isupper():
        return word if forms[word] >= forms[best] else best
    return best
