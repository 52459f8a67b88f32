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
from itertools import pairwise

from articles.enrichment.stopwords import STOP_WORDS

VERSION = "1.0.0"

# Tokens: words (with inner hyphens and apostrophes) or any run of punctuation.
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['\u2019-][A-Za-z0-9]+)*|[^\sA-Za-z]+")
_SENTENCE_END = re.compile(r"[.!?]\s|\n")
# Long hex runs are hashes: indicators, not topics.
_HEX = re.compile(r"[0-9a-f]{16,}", re.IGNORECASE)
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
        and not (len(token) >= 16 and _HEX.fullmatch(token))
    )


def _runs(sentence: str) -> list[list[tuple[str, bool]]]:
    """Maximal runs of content words as (word, starts the sentence) pairs."""
    runs: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    for index, token in enumerate(_TOKEN.findall(sentence)):
        word = token.replace("\u2019", "'")
        if word.endswith(("'s", "'S")):
            word = word[:-2]
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
    # Each word as written, to show phrases in the article's own spelling.
    written_forms: Counter[str] = Counter()
    # Spellings that open a sentence say little about case, except for names like "APT28".
    opening_forms: Counter[str] = Counter()
    grams: list[tuple[str, ...]] = []

    for sentence_index, sentence in enumerate(sentences):
        for run in _runs(sentence):
            lowered = []
            for word, at_start in run:
                key = word.lower()
                lowered.append(key)
                word_sentences[key].add(sentence_index)
                if at_start:
                    opening_forms[word] += 1
                else:
                    written_forms[word] += 1
                    if word[0].isupper():
                        capitalised[key] += 1
                    else:
                        lower_case_seen.add(key)
            word_count.update(lowered)
            # Built per run with zip, not per word: this loop is the hot path.
            grams += zip(lowered)
            if len(lowered) > 1:
                grams += pairwise(lowered)
            if len(lowered) > 2:
                grams += zip(lowered, lowered[1:], lowered[2:], strict=False)
    phrase_count = Counter(grams)
    if not word_count:
        return []

    top_count = max(word_count.values())
    sentence_total = max(len(sentences), 1)

    word_score = {
        word: count / top_count + len(word_sentences[word]) / sentence_total + 0.5 * capitalised[word] / count
        for word, count in word_count.items()
    }

    scored = []
    for phrase, count in phrase_count.items():
        # A multi-word phrase seen once is usually an accident of word order.
        if len(phrase) > 1 and count < 2:
            continue
        mean = sum(word_score[word] for word in phrase) / len(phrase)
        # Cohesion: how often these words occur only as this phrase ("sovereign AI").
        cohesion = count / min(word_count[word] for word in phrase)
        score = mean * (1.0 + math.log(count)) * (1.0 + cohesion * (len(phrase) - 1))
        scored.append((score, phrase))
    scored.sort(key=lambda item: (-item[0], item[1]))

    chosen: list[tuple[str, ...]] = []
    chosen_sets: list[set[str]] = []
    in_chosen_phrases: set[str] = set()
    for _, phrase in scored:
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
        if len(chosen) == limit:
            break
    needed = {word for phrase in chosen for word in phrase}
    spellings: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for form, count in written_forms.items():
        if form.lower() in needed:
            spellings[form.lower()][form] += count
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
