"""The search box's language, parsed in pure Python (no Django): docs/search.md.

Web-search syntax, plus what analysts type:

- ``ransomware hospital`` — every word (AND); ``"threat actors"`` — a phrase;
  ``-exclude`` / ``-"a phrase"`` — without it; ``lockbit or blackcat`` — either
  (``or`` binds tighter than the implicit AND, as in PostgreSQL's websearch syntax);
- ``actor:``, ``malware:``, ``technique:``, ``cve:``, ``ioc:``, ``author:``, ``source:``,
  ``tag:`` with a bare or quoted value (``actor:"Fancy Bear"``), negatable (``-tag:x``);
- an indicator typed bare — an IP, domain, URL, hash, e-mail or CVE id, defanged or not —
  becomes an exact lookup of that indicator (quote it to search its text instead).

The parser never fails. What it cannot use it reads as plain words and says so in
``notices`` (an unbalanced quote, ``actor:`` without a value, an unknown ``prefix:``);
``ParsedQuery.is_empty`` tells the form that nothing searchable is left (only operators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from articles.search.indicators import detect_indicator, normalize_cve

# Prefix -> what it searches. Entity prefixes are resolved to entities by name or alias.
FIELDS: dict[str, str] = {
    "actor": "threat actor",
    "malware": "malware or tool",
    "technique": "ATT&CK technique",
    "product": "product",
    "vendor": "vendor",
    "cve": "CVE",
    "ioc": "indicator",
    "author": "author",
    "source": "source",
    "tag": "tag",
}
ENTITY_FIELDS = frozenset({"actor", "malware", "technique", "product", "vendor"})
# More terms than this are ignored (each term is a condition of the page query).
MAX_TERMS = 16
# A single word or value longer than this is cut (no real name or indicator is longer).
MAX_TERM_LENGTH = 300

WORD = "word"
PHRASE = "phrase"
FIELD = "field"
INDICATOR = "indicator"

_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)\Z", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Term:
    """One thing to look for. ``kind`` is word, phrase, field or indicator.

    word/phrase: ``text`` is the words. field: ``field`` names the prefix, ``text`` its
    value. indicator: ``type`` is the indicator type, ``text`` the normalized value.
    """

    kind: str
    text: str
    field: str = ""
    type: str = ""

    @property
    def is_text(self) -> bool:
        return self.kind in (WORD, PHRASE)

    def __str__(self) -> str:
        if self.kind == FIELD:
            return f'{self.field}:"{self.text}"' if " " in self.text else f"{self.field}:{self.text}"
        if self.kind == PHRASE:
            return f'"{self.text}"'
        return self.text


@dataclass(frozen=True, slots=True)
class Clause:
    """Terms of which any one must match (``a or b``); a negated clause has one term."""

    terms: tuple[Term, ...]
    negated: bool = False

    @property
    def is_text(self) -> bool:
        return all(term.is_text for term in self.terms)


@dataclass(frozen=True)
class ParsedQuery:
    """Clauses that must all hold, and what the parser wants the reader to know."""

    clauses: tuple[Clause, ...] = ()
    notices: tuple[str, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def text_clauses(self) -> tuple[Clause, ...]:
        """Clauses of words and phrases only: one full-text match serves them all."""
        return tuple(c for c in self.clauses if c.is_text)

    @property
    def other_clauses(self) -> tuple[Clause, ...]:
        """Clauses with a prefix or an indicator: each is a condition of its own."""
        return tuple(c for c in self.clauses if not c.is_text)

    @property
    def has_ranking_text(self) -> bool:
        """Words or phrases to rank and highlight by (not only prefixes or exclusions)."""
        return any(not c.negated for c in self.text_clauses)

    @property
    def has_indicators(self) -> bool:
        """An indicator (an IP, a hash, ``ioc:``): its articles are found from its sightings."""
        return any(
            term.kind == INDICATOR or (term.kind == FIELD and term.field == "ioc")
            for clause in self.clauses
            for term in clause.terms
        )

    def highlight_words(self) -> list[str]:
        """The positive words and phrases, as typed (snippets look for them)."""
        return [t.text for c in self.clauses if not c.negated for t in c.terms if t.is_text]


@dataclass
class _Item:
    term: Term | None  # None: the operator "or"
    negated: bool = False


def parse(raw: str) -> ParsedQuery:
    """Parse what was typed into the search box. Never raises."""
    notices: list[str] = []
    raw = raw.replace("\x00", " ")
    items = _tokens(raw, notices)
    clauses = _clauses(items)
    if len(clauses) > MAX_TERMS:
        notices.append(f"Only the first {MAX_TERMS} terms were searched.")
        clauses = clauses[:MAX_TERMS]
    return ParsedQuery(tuple(clauses), tuple(dict.fromkeys(notices)))


def _tokens(raw: str, notices: list[str]) -> list[_Item]:
    items: list[_Item] = []
    i, n = 0, len(raw)
    while i < n:
        char = raw[i]
        if char.isspace():
            i += 1
            continue
        negated = False
        if char == "-":
            negated = True
            i += 1
            if i >= n or raw[i].isspace():
                continue  # a lone "-" excludes nothing
        if raw[i] == '"':
            close = raw.find('"', i + 1)
            if close < 0:
                notices.append(
                    "An unbalanced quote was ignored; the words after it were searched one by one."
                )
                i += 1
                continue
            _add_text(items, raw[i + 1 : close], PHRASE, negated)
            i = close + 1
            continue
        start = i
        while i < n and not raw[i].isspace() and raw[i] != '"':
            i += 1
        token = raw[start:i]
        match = _FIELD_RE.match(token)
        if match and match.group(1).lower() in FIELDS:
            name = match.group(1).lower()
            value = match.group(2)
            if not value and i < n and raw[i] == '"':
                close = raw.find('"', i + 1)
                if close >= 0:
                    value = raw[i + 1 : close]
                    i = close + 1
            value = " ".join(value.split())[:MAX_TERM_LENGTH]
            if _has_word(value):
                items.append(_field(name, value, negated, notices))
            else:
                notices.append(
                    f"{name}: needs a value, e.g. {_EXAMPLES[name]}; “{name}” was searched as a word."
                )
                _add_text(items, name, WORD, negated)
            continue
        if not negated and token.lower() == "or":
            items.append(_Item(None))
            continue
        indicator = detect_indicator(token)
        if indicator is None and match and _has_word(match.group(2)) and "//" not in token:
            notices.append(f"“{match.group(1).lower()}:” is not a search prefix; it was searched as words.")
        if indicator is not None:
            items.append(_Item(Term(INDICATOR, indicator[1], type=indicator[0]), negated))
            continue
        _add_text(items, token, WORD, negated)
    return items


_EXAMPLES = {
    "actor": 'actor:"Fancy Bear"',
    "malware": "malware:LockBit",
    "technique": "technique:T1566",
    "product": 'product:"Citrix ADC"',
    "vendor": "vendor:Fortinet",
    "cve": "cve:CVE-2024-3400",
    "ioc": "ioc:203.0.113.7",
    "author": 'author:"Jane Doe"',
    "source": "source:BleepingComputer",
    "tag": "tag:ransomware",
}


def _field(name: str, value: str, negated: bool, notices: list[str]) -> _Item:
    """A prefix term; ``cve:`` and ``ioc:`` values are normalized like typed indicators."""
    if name == "cve":
        cve = normalize_cve(value)
        if cve is None:
            notices.append(f"“{value}” is not a CVE id (CVE-2024-3400); it was searched as words.")
            return _Item(Term(PHRASE, value), negated)
        return _Item(Term(INDICATOR, cve, type="cve"), negated)
    if name == "ioc":
        indicator = detect_indicator(value)
        if indicator is not None:
            return _Item(Term(INDICATOR, indicator[1], type=indicator[0]), negated)
    return _Item(Term(FIELD, value, field=name), negated)


def _has_word(text: str) -> bool:
    """Does ``text`` hold something a full-text index can find (a letter or a digit)?"""
    return any(char.isalnum() for char in text)


def _add_text(items: list[_Item], text: str, kind: str, negated: bool) -> None:
    text = " ".join(text.split())[:MAX_TERM_LENGTH]
    if _has_word(text):
        items.append(_Item(Term(kind if " " in text or kind == WORD else WORD, text), negated))


def _clauses(items: list[_Item]) -> list[Clause]:
    """Join ``a or b`` into one clause. An ``or`` without a positive term on both sides
    (at either end, next to an exclusion, doubled) is ignored."""
    clauses: list[Clause] = []
    joining = False
    for index, item in enumerate(items):
        if item.term is None:
            previous = items[index - 1] if index else None
            following = items[index + 1] if index + 1 < len(items) else None
            joining = bool(
                previous
                and previous.term
                and not previous.negated
                and following
                and following.term
                and not following.negated
            )
            continue
        if joining and clauses:
            last = clauses[-1]
            if item.term not in last.terms:
                clauses[-1] = Clause((*last.terms, item.term))
        elif Clause((item.term,), item.negated) not in clauses:
            clauses.append(Clause((item.term,), item.negated))
        joining = False
    return clauses


# --- Serializing the word and phrase clauses for each database --------------------------


def websearch_text(clauses: tuple[Clause, ...]) -> str:
    """The clauses in PostgreSQL's websearch syntax, every term quoted (no operator can
    hide in a word): ``"a" "b c" or "d" -"e"``. websearch_to_tsquery never raises."""
    parts = []
    for clause in clauses:
        terms = " or ".join(_quote_websearch(term.text) for term in clause.terms)
        parts.append(f"-{terms}" if clause.negated else terms)
    return " ".join(parts)


def _quote_websearch(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def fts5_query(clauses: tuple[Clause, ...]) -> tuple[str, str]:
    """(match, exclude) FTS5 expressions: every term a quoted string, so no FTS5 syntax
    error is possible. FTS5's NOT is binary, so the exclusions come separately too:
    ``match`` is ``("a") ("b" OR "c") NOT ("e")`` and, when there is nothing positive,
    the caller keeps rows outside ``exclude`` instead."""
    positive = [c for c in clauses if not c.negated]
    negative = [c for c in clauses if c.negated]
    match = " AND ".join("(" + " OR ".join(_quote_fts5(t.text) for t in c.terms) + ")" for c in positive)
    exclude = " OR ".join(_quote_fts5(t.text) for c in negative for t in c.terms)
    if match and exclude:
        match = f"{match} NOT ({exclude})"
    return match, exclude


def _quote_fts5(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'
