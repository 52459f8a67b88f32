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
from itertools import accumulate, chain

from articles.enrichment.stopwords import STOP_WORDS

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
# Marks a sentence boundary in the flat token list; never a token (tokens hold no spaces).
_BREAK = "\n"


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


# Vocabulary repeats from article to article, so the form of each token (and that
# form lower-cased, the key words are counted by) is kept between calls. The tables
# are replaced together, never cleared, when they grow too big: a thread still
# reading the old pair is not disturbed.
_FORM_CACHE_SIZE = 100_000
_form_tables: tuple[dict[str, str], dict[str, str]] = ({_BREAK: ""}, {_BREAK: ""})


def _forms_tables(tokens: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Tables giving the candidate form, and its key, of every token in ``tokens``."""
    global _form_tables
    forms, keys = _form_tables
    missing = tokens.difference(forms)
    if len(forms) + len(missing) > _FORM_CACHE_SIZE:
        forms, keys = _form_tables = ({_BREAK: ""}, {_BREAK: ""})
        missing = tokens.difference(forms)
    for token in missing:
        form = _candidate_form(token)
        # The key is written before the form: a thread that finds the form finds the key.
        keys[token] = form.lower()
        forms[token] = form
    return forms, keys


def _repeated_phrase_counts(keys: list[str]) -> Counter[tuple[str, ...]]:
    """Counts of the two- and three-word phrases inside runs ("" ends a run) seen twice or more.

    A multi-word phrase seen once is usually an accident of word order, so those
    are dropped here, before any scoring.
    """
    # Built from shifted copies of the whole list, not per word: this is the hot path.
    second, third = keys[1:], keys[2:]
    grams: list[tuple[str, ...]] = [(a, b) for a, b in zip(keys, second, strict=False) if a and b]
    grams += [(a, b, c) for a, b, c in zip(keys, second, third, strict=False) if a and b and c]
    counts = Counter(grams)
    return Counter({phrase: count for phrase, count in counts.items() if count > 1})


def keywords(text: str, limit: int = 8) -> list[str]:
    """Up to ``limit`` key phrases of ``text``, best first."""
    if limit <= 0:
        return []
    sentences = _sentences(_bounded(text))
    # One flat token list for the whole text, each sentence followed by _BREAK, so
    # the per-word work below runs once per distinct token, not once per word.
    per_sentence = list(map(_TOKEN.findall, sentences))
    for sentence_tokens in per_sentence:
        sentence_tokens.append(_BREAK)
    tokens = list(chain.from_iterable(per_sentence))
    sentence_starts = list(accumulate(map(len, per_sentence), initial=0))
    sentence_ends = sentence_starts[1:]
    del sentence_starts[-1]
    form_of, key_of = _forms_tables(set(tokens))
    # Each word as written, "" for anything that ends a run of content words.
    forms = list(map(form_of.__getitem__, tokens))
    # The same, lower-cased: what words are counted by.
    keys = list(map(key_of.__getitem__, tokens))

    word_count = Counter(keys)
    word_count.pop("", None)
    if not word_count:
        return []
    # In how many sentences each word occurs.
    word_sentences = Counter(
        chain.from_iterable(map(set, map(keys.__getitem__, map(slice, sentence_starts, sentence_ends))))
    )
    # Spellings that open a sentence say little about case, except for names like "APT28".
    opening_forms = Counter([form for form in map(forms.__getitem__, sentence_starts) if form])
    # Each word as written mid-sentence, to show phrases in the article's own spelling.
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
            key = form.lower()
            capitalised[key] = capitalised.get(key, 0) + count
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

    # Scores are negated so the heap yields the best first, ties broken by the phrase.
    # A single word's mean is its own score and its cohesion term vanishes; the
    # sums below add in the same order as a mean over the phrase's words would.
    scored = [(-(word_score[word] * (1.0 + math.log(count))), (word,)) for word, count in word_count.items()]
    for phrase, count in _repeated_phrase_counts(keys).items():
        mean = sum(word_score[word] for word in phrase) / len(phrase)
        # Cohesion: how often these words occur only as this phrase ("sovereign AI").
        cohesion = count / min(word_count[word] for word in phrase)
        score = mean * (1.0 + math.log(count)) * (1.0 + cohesion * (len(phrase) - 1))
        scored.append((-score, phrase))
    # Only the first few phrases are ever looked at: a heap gives them without a full sort.
    heapq.heapify(scored)

    chosen: list[tuple[str, ...]] = []
    chosen_sets: list[set[str]] = []
    in_chosen_phrases: set[str] = set()
    while scored and len(chosen) < limit:
        phrase = heapq.heappop(scored)[1]
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
