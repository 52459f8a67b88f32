"""Extractive summaries: the article's own most central sentences, in order.

Scoring is frequency based (Luhn / SumBasic family): a sentence is worth the
average document frequency of its content words, with a small bonus for the
lead, where news prose puts its point. It runs in linear time, which matters at
hundreds of articles per second, where a TextRank graph is quadratic in the
number of sentences. Repeated sentences are common in real input
(the seed article repeats one verbatim), so near-duplicates are dropped before
ranking and never appear twice in a summary.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from dataclasses import dataclass
from itertools import chain, filterfalse, repeat

from articles.enrichment.stopwords import STOP_WORDS

VERSION = "1.0.0"

# Words that end with a period without ending the sentence.
_ABBREVIATION_TEXT = (
    "mr mrs ms dr prof sr jr st vs etc inc ltd corp co no fig al approx dept est gov jan feb "
    "mar apr jun jul aug sep sept oct nov dec e.g i.e u.s u.k u.n"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_TEXT.split())
# A candidate boundary: terminal punctuation (and closing quotes/brackets) then space,
# or a line break. Whether it really ends a sentence is decided in ``split_sentences``.
# Written to open with one character class, which lets the regex engine skip straight
# to the next ".", "!", "?" or line break instead of trying two branches at every
# character (six times faster than ``[.!?]+["')\]]*\s+|\n+``, which it matches alike).
_BOUNDARY = re.compile(r"[.!?\n](?:(?<=\n)\n*|(?<=[.!?])[.!?]*[\"')\]]*\s+)")
# A word: a letter, then letters, digits, inner apostrophes and hyphens, never ending in
# either (the word in "attackers'" is "attackers"). Bare numbers are not words here.
# Only ever run on lower-cased text, so [a-z] is enough. Written so the engine never
# backtracks (the possessive quantifiers keep no fallback points): it matches what
# ``[A-Za-z](?:[A-Za-z0-9'-]*[A-Za-z0-9])?`` does, with some 4 % fewer instructions
# for a whole summary.
_WORD = re.compile(r"[a-z][a-z0-9]*+(?:['-]+[a-z0-9]+)*+")
# Every byte but an ASCII lower-case letter or digit, as a space: with non-ASCII characters
# first encoded as "?", splitting on spaces then gives exactly the runs ``[a-z0-9]+`` finds
# in a lower-cased sentence, with a table lookup per character instead of a regex step.
_ALNUM_ONLY = bytes(c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256))
# Only the first ~20 KB are read. News puts its point in the lead and the summary
# favours it, so a longer text (a pasted report, a whole PDF) rarely changes the
# choice, while the work grows with its length; the bound keeps one huge document
# from stalling a worker.
MAX_TEXT_CHARS = 20_000

# A "sentence" shorter than this is a heading, a dateline or a byline, not content.
MIN_SENTENCE_WORDS = 6
# Two sentences sharing this share of their words say the same thing.
NEAR_DUPLICATE = 0.8
# Sentences in the first lines of a story carry its point; the bonus fades after this many.
LEAD_SENTENCES = 3
LEAD_BONUS = 0.25


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split prose into sentences with their spans in ``text``.

    A period ends a sentence unless the word before it is a known abbreviation or
    a single letter (initials), or the next character is lower case ("e.g. this").
    Line breaks always end one: headings and list items have no full stop.
    """
    sentences: list[Sentence] = []
    for start, end in _sentence_bounds(text):
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + chunk.index(stripped)
            sentences.append(Sentence(stripped, offset, offset + len(stripped)))
    return sentences


def _sentence_texts(text: str) -> list[str]:
    """The sentences of ``split_sentences`` as plain strings (the summary needs no spans)."""
    return [stripped for start, end in _sentence_bounds(text) if (stripped := text[start:end].strip())]


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence before stripping, the last one running to the end."""
    bounds: list[tuple[int, int]] = []
    start = 0
    length = len(text)
    for boundary in _BOUNDARY.finditer(text):
        punct_at, end = boundary.span()
        # The tests of ``_ends_sentence``, inlined: this runs once per full stop.
        if text[punct_at] != "\n" and "\n" not in boundary.group():
            if end < length and text[end].islower():
                continue
            if text[punct_at] == ".":
                previous = text[text.rfind(" ", 0, punct_at) + 1 : punct_at].lower().strip("(\"'")
                if previous in _ABBREVIATIONS or (len(previous) == 1 and previous.isalpha()):
                    continue
        bounds.append((start, end))
        start = end
    bounds.append((start, length))
    return bounds


def content_words(text: str) -> list[str]:
    """Lower-case words of a text, without stop words and bare numbers."""
    return _content_words_of_lowered(text.lower())


def _content_words_of_lowered(lowered: str) -> list[str]:
    return list(filterfalse(STOP_WORDS.__contains__, _WORD.findall(lowered)))


def _fingerprint_of_lowered(lowered: str) -> bytes:
    """The sentence's runs of letters and digits only: repeats differing in punctuation match."""
    return b" ".join(lowered.encode("ascii", "replace").translate(_ALNUM_ONLY).split())


def unique_sentences(sentences: list[Sentence]) -> list[tuple[Sentence, list[str]]]:
    """Each sentence once with its content words: exact and near repeats are dropped."""
    kept = _unique([sentence.text for sentence in sentences])
    return [(sentences[index], words) for index, words, _ in kept]


def _unique(texts: list[str]) -> list[tuple[int, list[str], set[str]]]:
    """(index in ``texts``, content words, their set) of each text kept, in order."""
    distinct = _distinct_texts_words(texts)
    # Only a word two sentences share can make one repeat another, and most words occur
    # in one sentence only: only the others are filed (a third of the ~420 an article).
    seen_words: set[str] = set()
    in_several: set[str] = set()
    for _, _, word_set in distinct:
        in_several |= word_set & seen_words
        seen_words |= word_set
    kept: list[tuple[int, list[str], set[str]]] = []
    kept_sizes: list[int] = []
    # Which kept sentences hold each shared word: a new sentence is compared only with
    # those it shares a word with, so the check stays near linear in the text.
    holders: defaultdict[str, list[int]] = defaultdict(list)
    for index, words, word_set in distinct:
        shared = word_set & in_several
        if shared and _repeats_a_kept_sentence(shared, len(word_set), holders, kept_sizes):
            continue
        # Every one of its words' lists gains this sentence: the loop runs in C (a deque of
        # length 0 only consumes the map), some 4 words a sentence, 40 sentences a text.
        deque(map(list.append, map(holders.__getitem__, shared), repeat(len(kept))), maxlen=0)
        kept.append((index, words, word_set))
        kept_sizes.append(len(word_set))
    return kept


def _distinct_texts_words(texts: list[str]) -> list[tuple[int, list[str], set[str]]]:
    """(index, content words, their set) of each text not repeating an earlier one's fingerprint."""
    distinct: list[tuple[int, list[str], set[str]]] = []
    seen: set[bytes] = set()
    for index, text in enumerate(texts):
        lowered = text.lower()
        fingerprint = _fingerprint_of_lowered(lowered)
        if fingerprint in seen:
            continue
        seen.add(fingerprint)
        words = _content_words_of_lowered(lowered)
        distinct.append((index, words, set(words)))
    return distinct


def _repeats_a_kept_sentence(
    shared: set[str], size: int, holders: dict[str, list[int]], kept_sizes: list[int]
) -> bool:
    """Whether a sentence of ``size`` words, of which ``shared`` occur elsewhere, shares
    NEAR_DUPLICATE of the smaller set with a kept sentence."""
    # Counted in a plain dict: a ``Counter`` costs some 10,000 instructions to build, more
    # than the ~4 shared words of a sentence cost to count.
    counts: dict[int, int] = {}
    for kept in chain.from_iterable(map(holders.__getitem__, shared & holders.keys())):
        counts[kept] = counts.get(kept, 0) + 1
    return any(count / min(size, kept_sizes[kept]) >= NEAR_DUPLICATE for kept, count in counts.items())


def _has_enough_words(sentence: str) -> bool:
    """At least MIN_SENTENCE_WORDS words (split no further than that: a count is enough)."""
    return len(sentence.split(maxsplit=MIN_SENTENCE_WORDS - 1)) >= MIN_SENTENCE_WORDS


def _is_prose(sentence: str) -> bool:
    """A full sentence: long enough, and closed by a full stop rather than cut off.

    Headings, datelines and titles have no closing punctuation; teasers end in an
    ellipsis and repeat, cut short, a sentence that follows in full.
    """
    if not _has_enough_words(sentence):
        return False
    closed = sentence.rstrip("\"')]")
    return closed.endswith((".", "!", "?")) and not closed.endswith(("...", "\u2026"))


def _bounded(text: str) -> str:
    """At most MAX_TEXT_CHARS of ``text``, cut at a space so no word is cut in half."""
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_TEXT_CHARS)
    return text[: cut if cut > 0 else MAX_TEXT_CHARS]


def summarize(text: str, max_sentences: int = 3) -> str:
    """The ``max_sentences`` most central sentences of ``text``, in their original order."""
    if max_sentences <= 0:
        return ""
    # Filter before de-duplicating, so a cut-off teaser cannot shadow its full sentence.
    sentences = _sentence_texts(_bounded(text))
    candidates = _unique(prose := [s for s in sentences if _is_prose(s)])
    if not candidates:
        # Notes and pasted lists often lack full stops: fall back to any long line.
        prose = [s for s in sentences if _has_enough_words(s)]
        candidates = _unique(prose)
    if not candidates:
        return ""
    # In how many candidate sentences each word occurs, relative to the most common word.
    frequencies = Counter(chain.from_iterable(word_set for _, _, word_set in candidates))
    top = max(frequencies.values(), default=1)
    share = {word: count / top for word, count in frequencies.items()}
    scored = []
    for position, (index, words, _) in enumerate(candidates):
        if not words:
            continue
        centrality = sum(map(share.__getitem__, words)) / len(words)
        lead = LEAD_BONUS * max(0, LEAD_SENTENCES - position) / LEAD_SENTENCES
        scored.append((centrality + lead, position, prose[index]))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:max_sentences]
    return " ".join(sentence for _, _, sentence in sorted(best, key=lambda item: item[1]))
