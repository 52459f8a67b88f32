"""Category terms and a fast whole-word phrase matcher for the classifier.

Terms are literal phrases, not regexes: a text's words are those of one tokenizer
pass (``_TOKEN`` from left to right) and every phrase is a dictionary lookup, which
is about thirty times faster than running dozens of case-insensitive regexes over a
5 KB article. Hyphenated words stay one token, so "phishing" does not match inside
"spear-phishing".

Case: a phrase written in capitals ("SEC", "RAT", "C2") or marked with a
leading ``=`` ("=Act", "=Sigma") must match exactly as written, because its
lower-case form is an ordinary word; every other phrase ignores case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import ahocorasick

from articles.enrichment.matching import fold

# Possessive quantifiers: the first way it matches is always the one kept, so the engine
# need save no backtracking points.
_TOKEN = re.compile(r"[A-Za-z0-9]++(?:['\u2019-][A-Za-z0-9]+)*+")
# What a word is made of: _TOKEN's letters and digits, and the marks it allows between them.
_WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
_JOINERS = frozenset("'\u2019-")


@dataclass(frozen=True, slots=True)
class Term:
    weight: float
    phrases: tuple[str, ...]


def term(weight: float, phrases: str) -> Term:
    return Term(weight, tuple(p.strip() for p in phrases.split("|")))


# Terms per category. Weights: 3 = nearly decisive, 2 = strong, 1 = supporting.
CATEGORY_TERMS: dict[str, tuple[Term, ...]] = {
    "vulnerability": (
        term(2, "vulnerability|vulnerabilities"),
        term(3, "zero-day|zero-days|0-day|zero day|zero days"),
        term(2, "remote code execution|RCE"),
        term(
            1,
            "patch|patches|patched|security update|security updates|hotfix|hotfixes|"
            "upgrade|downgrade|affected version|affected versions",
        ),
        term(1, "exploit|exploits|exploited|exploitation"),
        term(
            2,
            "privilege escalation|elevation of privilege|buffer overflow|SQL injection|"
            "authentication bypass|command injection",
        ),
        term(1, "CVSS|advisory|advisories"),
    ),
    "malware": (
        term(2, "malware"),
        term(
            2,
            "trojan|trojans|backdoor|backdoors|infostealer|infostealers|stealer|stealers|"
            "loader|loaders|botnet|botnets|worm|worms|spyware|rootkit|rootkits",
        ),
        term(1, "payload|payloads|dropper|droppers|command-and-control|C2"),
        term(1, "remote access trojan|remote access trojans|RAT|RATs"),
    ),
    "ransomware": (
        term(3, "ransomware"),
        term(2, "ransom|ransoms|extortion"),
        term(
            2,
            "encrypted files|encrypts files|encrypted systems|encrypted servers|leak site|"
            "leak sites|decryptor",
        ),
        term(1, "affiliate|affiliates|=RaaS"),
    ),
    "breach": (
        term(3, "data breach|breach|breached|breaches"),
        term(
            3,
            "leaked data|leaked records|leaked database|exposed data|exposed records|exposed database",
        ),
        term(1, "records|personal data|personally identifiable|PII|customer data"),
        term(
            2,
            "stolen data|stolen credentials|unauthorized access|unauthorised access|exfiltrated|exfiltration",
        ),
        term(1, "notified customers|notify customers|compromised accounts"),
    ),
    "threat-actor": (
        term(
            2,
            "threat actor|threat actors|threat group|threat groups|APT|state-sponsored|nation-state",
        ),
        term(2, "espionage|cyber-espionage|intrusion set|hacking group"),
        term(
            1,
            "campaign|attributed|attribution|target|targets|targeting|spear-phishing|spearphishing",
        ),
    ),
    "fraud-phishing": (
        term(3, "phishing|smishing|vishing"),
        term(3, "scam|scams|scammer|scammers|fraud|fraudulent|fraudsters"),
        term(
            2,
            "business email compromise|BEC|credential harvesting|fake login|fake website|"
            "fake websites|fake invoice|fake invoices",
        ),
        term(1, "lure|lures|impersonate|impersonates|impersonating|impersonation"),
    ),
    "policy-regulation": (
        term(3, "regulation|regulations|regulator|regulators|regulatory"),
        term(1, "law|laws|bill|=Act|directive|executive order|government"),
        term(2, "legislation|ban|bans|banned|illegal|proposal|proposals|consultation"),
        term(
            2,
            "SEC|GDPR|NIS2|DORA|CIRCIA|FCC|FTC|European Commission|=Congress|=Parliament",
        ),
        term(
            2,
            "compliance|fine|fines|penalty|penalties|disclosure rule|disclosure rules|mandate",
        ),
        term(1, "sanction|sanctions|indictment|indicted|charged|extradited|extradition"),
    ),
    "industry-investment": (
        term(3, "investment|investments|invest|invests|invested|investing"),
        term(
            3,
            "acquisition|acquire|acquires|acquired|merger|funding|funding round|"
            "=Series A|=Series B|=Series C|=Series D|=Series E|=Series F",
        ),
        term(1, "billion|million|valuation|IPO|venture|investor|investors"),
        term(
            1,
            "market|revenue|hyperscaler|hyperscalers|data center|data centers|partnership|"
            "partnerships|startup",
        ),
    ),
    "research": (
        term(
            2,
            "researchers released|researchers published|researchers presented|"
            "open-source tool|proof of concept",
        ),
        term(
            1,
            "framework|toolkit|detection rule|detection rules|YARA|=Sigma|dataset|paper|study|conference",
        ),
    ),
}

# Phrases that mean someone is already being hurt: they make a report critical.
EXPLOITATION_TERMS: tuple[Term, ...] = (
    term(
        1,
        "actively exploited|exploited in the wild|in-the-wild exploitation|"
        "under active exploitation|zero-day|0-day|zero day|Known Exploited Vulnerabilities|KEV",
    ),
)


@dataclass(frozen=True, slots=True)
class PhraseHit:
    group: str  # category (or any key the index was built with)
    term_index: int
    surface: str  # the words as written in the text
    start: int  # character offset of the first word


# The first word (lower-cased) of every phrase of every index built. A text is searched
# for them all at once (``word_starts``), and each index then walks only the few words
# that start one of its phrases. A new index adds its own (``_first_words_version``
# moves on, so texts searched before it are searched again).
_first_words: set[str] = set()
_first_words_version = 0


def _starts_a_word(text: str, at: int) -> bool:
    """Whether a left-to-right ``_TOKEN`` pass starts a word at ``at`` (a letter or digit).

    It does unless a letter or digit comes right before, or a joiner ("-", "'") that
    follows one: the word holding that character then runs on through ``at``.
    """
    if at == 0:
        return True
    before = text[at - 1]
    if before in _WORD_CHARS:
        return False
    return not (before in _JOINERS and at > 1 and text[at - 2] in _WORD_CHARS)


@lru_cache(maxsize=1)
def _first_word_automaton(version: int) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in _first_words:
        automaton.add_word(word, (len(word), word))
    automaton.make_automaton()
    return automaton


@lru_cache(maxsize=8)
def _word_starts(text: str, version: int) -> list[tuple[int, int, str]]:
    if not _first_words:
        return []
    automaton = _first_word_automaton(version)
    starts = []
    # A 5 KB article has ~770 words and ~100 spots where a first word's letters occur
    # (most inside longer words: "ban" in "bank"): only those spots are tokenized, not
    # the whole text. ``fold`` keeps the length, so offsets hold in ``text``.
    for last, (length, word) in automaton.iter(fold(text)):
        start = last + 1 - length
        if not _starts_a_word(text, start):
            continue
        # The whole word must be the first word: "ransom" is not the start of "ransomware".
        # Matched in ``text`` itself: a character that only lower-cases to ASCII ("\u212a",
        # the Kelvin sign) is no word character.
        token = _TOKEN.match(text, start)
        if token is not None and token.end() == last + 1:
            starts.append((start, last + 1, word))
    # The automaton reports hits by where they end; one word starts at each spot.
    starts.sort()
    return starts


def word_starts(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-cased word) of each word of ``text`` some index's phrase starts with.

    Cached for a few texts: the classifier looks for category terms and for
    exploitation phrases in the same title and body, and the assessment asks again.
    """
    return _word_starts(text, _first_words_version)


class PhraseIndex:
    """Finds the phrases of many terms in one pass over a text's words."""

    def __init__(self, groups: dict[str, tuple[Term, ...]]) -> None:
        self._exact: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        self._folded: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        # Phrase lengths in words, longest first, per (lower-cased) first word: most
        # words start no phrase and are skipped at once; the rest try only the
        # lengths some phrase starting with them has.
        sizes: dict[str, set[int]] = {}
        for group, terms in groups.items():
            for index, one_term in enumerate(terms):
                for phrase in one_term.phrases:
                    exact = phrase.startswith("=") or phrase.isupper()
                    words = tuple(_TOKEN.findall(phrase.lstrip("=")))
                    key = words if exact else tuple(w.lower() for w in words)
                    table = self._exact if exact else self._folded
                    table.setdefault(key, []).append((group, index))
                    sizes.setdefault(words[0].lower(), set()).add(len(words))
        self._sizes = {word: sorted(lengths, reverse=True) for word, lengths in sizes.items()}
        global _first_words_version
        if not _first_words.issuperset(sizes):
            _first_words.update(sizes)
            _first_words_version += 1

    def find(self, text: str) -> list[PhraseHit]:
        """Leftmost-longest, non-overlapping hits, in text order."""
        sizes = self._sizes
        folded_owners, exact_owners = self._folded.get, self._exact.get
        finditer, search = _TOKEN.finditer, _TOKEN.search
        hits: list[PhraseHit] = []
        consumed_until = 0
        # Kept lean (tuples, no per-size lists): a text made of nothing but phrase first
        # words ("zero zero zero ...") runs this once per word, and must stay well under
        # a second a megabyte.
        for start, end, first in word_starts(text):
            if start < consumed_until:
                continue
            lengths = sizes.get(first)
            if lengths is None:
                continue
            # The words after this one, as many as its longest phrase needs: the same ones
            # a pass from the start of the text gives, since a word starts here.
            if lengths[0] > 1:
                if lengths[0] == 2:
                    after = search(text, end)
                    following = [after] if after is not None else []
                else:
                    following = list(islice(finditer(text, end), lengths[0] - 1))
                later = [word.group() for word in following]
                written = (text[start:end], *later)
                folded = (first, *[word.lower() for word in later])
            else:
                following = []
                written = (text[start:end],)
                folded = (first,)
            for size in lengths:
                if size > len(written):
                    continue
                # A tuple sliced to its whole length is the tuple itself: no copy.
                by_folded = folded_owners(folded[:size])
                by_exact = exact_owners(written[:size])
                if by_folded or by_exact:
                    consumed_until = following[size - 2].end() if size > 1 else end
                    surface = text[start:consumed_until]
                    for group, index in (by_folded or []) + (by_exact or []):
                        hits.append(PhraseHit(group, index, surface, start))
                    break
        return hits


CATEGORY_INDEX = PhraseIndex(CATEGORY_TERMS)
EXPLOITATION_INDEX = PhraseIndex({"exploitation": EXPLOITATION_TERMS})
