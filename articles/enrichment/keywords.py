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

import math
import re
from collections import Counter, defaultdict

from articles.enrichment.stopwords import STOP_WORDS

VERSION = "1.0.0"

# Tokens: words (with inner hyphens and apostrophes) or any run of punctuation.
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['\u2019-][A-Za-z0-9]+)*|[^\sA-Za-z]+")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
# Long hex runs are hashes: indicators, not topics.
_HEX = re.compile(r"[0-9a-f]{16,}", re.IGNORECASE)
_POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)
MAX_PHRASE_WORDS = 3
MIN_WORD_LENGTH = 2


def _sentences(text: str) -> list[str]:
    """Sentences, each once: a repeated paragraph must not count its phrases twice."""
    return list(dict.fromkeys(part.strip() for part in _SENTENCE_END.split(text) if part.strip()))


def _is_candidate_word(token: str) -> bool:
    return (
        token[0].isalpha()
        and len(token) >= MIN_WORD_LENGTH
        and token.lower() not in STOP_WORDS
        and not _HEX.fullmatch(token)
    )


def _runs(sentence: str) -> list[list[tuple[str, bool]]]:
    """Maximal runs of content words as (word, starts the sentence) pairs."""
    runs: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    for index, token in enumerate(_TOKEN.findall(sentence)):
        word = _POSSESSIVE.sub("", token.replace("\u2019", "'"))
        if _is_candidate_word(word):
            current.append((word, index == 0))
            continue
        if current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def keywords(text: str, limit: int = 8) -> list[str]:
    """Up to ``limit`` key phrases of ``text``, best first."""
    if limit <= 0:
        return []
    sentences = _sentences(text)
    word_count: Counter[str] = Counter()
    word_sentences: defaultdict[str, set[int]] = defaultdict(set)
    capitalised: Counter[str] = Counter()
    lower_case_seen: set[str] = set()
    phrase_count: Counter[tuple[str, ...]] = Counter()
    surface_forms: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)

    for sentence_index, sentence in enumerate(sentences):
        for run in _runs(sentence):
            for word, at_start in run:
                key = word.lower()
                word_count[key] += 1
                word_sentences[key].add(sentence_index)
                if not at_start and word[0].isupper():
                    capitalised[key] += 1
                elif not at_start:
                    lower_case_seen.add(key)
            for size in range(1, MAX_PHRASE_WORDS + 1):
                for offset in range(len(run) - size + 1):
                    gram = run[offset : offset + size]
                    phrase = tuple(word.lower() for word, _ in gram)
                    phrase_count[phrase] += 1
                    surface_forms[phrase][" ".join(word for word, _ in gram)] += 1
    if not word_count:
        return []

    top_count = max(word_count.values())
    sentence_total = max(len(sentences), 1)

    def word_score(word: str) -> float:
        frequency = word_count[word] / top_count
        spread = len(word_sentences[word]) / sentence_total
        proper = capitalised[word] / word_count[word]
        return frequency + spread + 0.5 * proper

    scored = []
    for phrase, count in phrase_count.items():
        # A multi-word phrase seen once is usually an accident of word order.
        if len(phrase) > 1 and count < 2:
            continue
        mean = sum(word_score(word) for word in phrase) / len(phrase)
        # Cohesion: how often these words occur only as this phrase ("sovereign AI").
        cohesion = count / min(word_count[word] for word in phrase)
        score = mean * (1.0 + math.log(count)) * (1.0 + cohesion * (len(phrase) - 1))
        scored.append((score, phrase))
    scored.sort(key=lambda item: (-item[0], item[1]))

    chosen: list[tuple[str, ...]] = []
    in_chosen_phrases: set[str] = set()
    for _, phrase in scored:
        words = set(phrase)
        # A word joins at most one chosen phrase, and a shorter form of a chosen phrase
        # adds nothing: "cybersecurity partnerships" then not "cybersecurity" nor
        # "cybersecurity infrastructure", while "AI" then "sovereign AI" both stay.
        if any(words <= set(other) for other in chosen):
            continue
        if len(phrase) > 1 and words & in_chosen_phrases:
            continue
        chosen.append(phrase)
        if len(phrase) > 1:
            in_chosen_phrases |= words
        if len(chosen) == limit:
            break
    return [_display(surface_forms[phrase], lower_case_seen) for phrase in chosen]


def _display(forms: Counter[str], lower_case_seen: set[str]) -> str:
    """The form the article uses most, lower-cased where it capitalises only by position.

    "Microsoft" opening most sentences stays "Microsoft"; "Ransomware" opening one
    is shown as "ransomware" because the article also writes it that way.
    """
    form, _ = max(forms.items(), key=lambda item: (item[1], item[0]))
    first, _, rest = form.partition(" ")
    if first.lower() in lower_case_seen and not first.isupper():
        first = first.lower()
    return f"{first} {rest}" if rest else first
