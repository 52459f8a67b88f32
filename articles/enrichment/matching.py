"""Find thousands of names in one pass over a text, with word-boundary and case rules.

One Aho-Corasick automaton (``pyahocorasick``) holds every name, folded to lower case.
It runs over a lower-cased copy of the text of the *same length*, so every hit's offsets
are valid in the original text. Each raw hit is then filtered:

1. word boundaries: "Turla" does not match inside "Turlaxx", "APT1" not inside "APT10",
   and a name is not matched inside a dotted token ("microsoft.com", "emotet.dll");
2. case: a rule either accepts any casing or only the exact forms written in the source;
3. context: some rules also need a context word nearby ("Sandworm" needs "group",
   "hackers", ... within a few words) or right after the name ("energy sector"), see
   ``ContextRule``. A name in a list next to an accepted name of the same group
   ("SystemBC, Bumblebee and TrickBot") has that context: the list says what it is;
4. leftmost-longest: of overlapping survivors the leftmost wins, then the longest
   ("Lazarus Group" over "Lazarus").

Filtering before choosing the longest lets a valid short name win over a longer one that
failed its rules. Pure Python; the automaton is built once and reused for every text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

# A match that resolves to this target is recognised (so it hides shorter names
# inside it) but produces no finding: "Latin America" must not yield a country.
BLOCKED = -1


@dataclass(frozen=True, slots=True)
class NamePattern:
    surface: str  # the name as written in its source
    target: int  # index of the entity it resolves to, or BLOCKED
    exact_case: bool = False  # only the exact surface form matches
    context: str | None = None  # name of a context group that must occur nearby
    # The context group the named entity belongs to ("software" for malware): as a list
    # neighbour it vouches for names that need that context.
    group: str | None = None


@dataclass(frozen=True, slots=True)
class ContextRule:
    """Words that must occur within ``window`` characters before or after a name.

    A ``follows`` rule is stricter: its pattern must match right where the name ends
    ("energy" + " sector", "energy" + " and water sectors").
    """

    pattern: re.Pattern[str] | None  # searched in the lower-cased text; None: no word needed
    window: int = 50
    follows: bool = False
    # Also enough: this pattern matching right before the name ("in " + "Jordan").
    before: re.Pattern[str] | None = None
    # Evidence against, which outweighs any context word: called with the text, its
    # lower-cased copy and the hit's span ("John " before "Denver" makes a person).
    refuses: Callable[[str, str, int, int], bool] | None = None
    # Evidence for that one regex near the name cannot say (a tally that also needs a threat
    # word within a paragraph): called like ``refuses``; the hit is accepted when it returns
    # True. Its absence is no evidence against, and no list neighbour or voucher stands in.
    accepts: Callable[[str, str, int, int], bool] | None = None
    # One sense per text: once ``refuses`` finds a mention of a name to be something else (a
    # surname, a film's title), no other mention of the same entity in the text is taken
    # for it either ("the size of Eris, the dwarf planet ... Eris is almost as wide").
    refusal_holds_for_the_text: bool = False


@dataclass(frozen=True, slots=True)
class DeedRule:
    """A name that lacks its group's context, vouched for by what follows it: ``gap`` (a
    verb, "built", "used") right after the name, then an accepted name of ``done_with``'s
    group ("Sandworm built Industroyer2")."""

    gap: re.Pattern[str]
    done_with: str
    window: int = 40


@dataclass(frozen=True, slots=True)
class NameMatch:
    start: int
    end: int
    target: int


def fold(text: str) -> str:
    """Lower-case ``text`` without changing its length.

    ``str.lower`` lengthens a few characters (Turkish "İ" becomes "i" + a combining
    dot); those are kept as they are so offsets in the folded copy stay valid.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def has_word_boundaries(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not part of a longer word or dotted token."""
    if start > 0 and _is_word_char(text[start]) and _is_word_char(text[start - 1]):
        return False
    if end < len(text) and _is_word_char(text[end - 1]) and _is_word_char(text[end]):
        return False
    # "microsoft.com", "emotet.dll", "T1059" in "T1059.001": part of a dotted token.
    if end + 1 < len(text) and text[end] in ".@" and _is_word_char(text[end + 1]):
        return False
    return not (start > 1 and text[start - 1] in ".@" and _is_word_char(text[start - 2]))


@dataclass(frozen=True, slots=True)
class _Rule:
    exact_form: str | None  # None: any casing
    context: str | None


class NameMatcher:
    """An automaton over many names; ``find`` returns the accepted, non-overlapping hits."""

    def __init__(
        self,
        patterns: Iterable[NamePattern],
        contexts: Mapping[str, ContextRule] | None = None,
        vouchers: Mapping[str, Collection[int]] | None = None,
        deeds: Mapping[str, DeedRule] | None = None,
    ) -> None:
        """``vouchers`` maps a context group to targets whose accepted match anywhere in a
        text satisfies that group for every name in it (a threat actor found in the text
        makes it a text about a threat); ``deeds`` maps a context group to the deed that
        satisfies it for the name right before it."""
        self.contexts = dict(contexts or {})
        self._deeds = dict(deeds or {})
        self._vouchers = {group: frozenset(targets) for group, targets in (vouchers or {}).items()}
        rules: dict[str, tuple[int, list[_Rule]]] = {}
        groups: dict[str, str | None] = {}
        for pattern in patterns:
            key = fold(pattern.surface)
            if not key.strip():
                continue
            if pattern.context is not None and pattern.context not in self.contexts:
                raise ValueError(f"unknown context group {pattern.context!r} for {key!r}")
            target, key_rules = rules.setdefault(key, (pattern.target, []))
            if target != pattern.target:
                raise ValueError(
                    f"name {pattern.surface!r} resolves to two targets ({target} and "
                    f"{pattern.target}); resolve conflicts before building the matcher"
                )
            form = pattern.surface if pattern.exact_case else None
            key_rules.append(_Rule(exact_form=form, context=pattern.context))
            groups.setdefault(key, pattern.group)
        self.size = len(rules)
        self._automaton = ahocorasick.Automaton()
        for key, (target, key_rules) in rules.items():
            self._automaton.add_word(key, (len(key), target, tuple(key_rules), groups[key]))
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[NameMatch]:
        """Accepted matches in ``text``, sorted by start, none overlapping."""
        return [NameMatch(start, end, target) for start, end, target in self.spans(text)]

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """``find``'s matches as (start, end, target) tuples.

        For callers that turn each match into something else at once (the entity
        extractor): a frozen ``NameMatch`` costs ~7,000 instructions to build, ~50 an article.
        """
        if not self.size or not text:
            return []
        folded = fold(text)
        candidates: list[tuple[int, int, int]] = []
        groups_ending: dict[int, str] = {}
        groups_starting: dict[int, str] = {}
        waiting: list[tuple[int, int, int, set[str]]] = []  # hits that lack only context
        refused_targets: set[int] = set()  # found to be something else (``ContextRule``)
        text_length = len(text)
        for last, (length, target, rules, group) in self._automaton.iter(folded):
            end = last + 1
            start = end - length
            # Most raw hits lie inside a longer word ("rat" in "separate"): a letter or digit
            # on both sides of either edge rules them out before the full boundary test.
            if start and text[start - 1 : start + 1].isalnum():
                continue
            if end < text_length and text[end - 1 : end + 1].isalnum():
                continue
            if not has_word_boundaries(text, start, end):
                continue
            missing = self._missing_context(text, folded, start, end, rules)
            if missing is _REFUSED_FOR_THE_TEXT:
                refused_targets.add(target)
                continue
            if missing is None:
                candidates.append((start, -length, target))
                if group is not None:
                    groups_ending[end] = groups_starting[start] = group
            elif missing:
                waiting.append((start, end, target, missing))
        if refused_targets:
            for start, negative_length, target in candidates:
                if target in refused_targets:  # nor does it vouch for its list neighbours
                    groups_starting.pop(start, None)
                    groups_ending.pop(start - negative_length, None)
            candidates = [c for c in candidates if c[2] not in refused_targets]
            waiting = [w for w in waiting if w[2] not in refused_targets]
        if waiting and self._vouchers:
            waiting = self._vouch(candidates, waiting)
        if waiting and groups_ending:
            candidates += _listed_with_neighbours(text, waiting, groups_ending, groups_starting, self._deeds)
        candidates.sort()
        matches: list[tuple[int, int, int]] = []
        covered_until = 0
        for start, negative_length, target in candidates:
            if start < covered_until:
                continue
            end = start - negative_length
            covered_until = end
            if target != BLOCKED:
                matches.append((start, end, target))
        return matches

    def _vouch(
        self, candidates: list[tuple[int, int, int]], waiting: list[tuple[int, int, int, set[str]]]
    ) -> list[tuple[int, int, int, set[str]]]:
        """Move to ``candidates`` the waiting hits a group vouched for in this text needs;
        return the others. (A hit whose group found evidence against it is not waiting for
        that group: see ``_missing_context``.)"""
        # Accepted before overlaps are settled: a vouching name inside a longer accepted one
        # still vouches (rare, and the longer name is usually the same threat).
        found = {target for _, _, target in candidates}
        vouched = {group for group, targets in self._vouchers.items() if not found.isdisjoint(targets)}
        if not vouched:
            return waiting
        still_waiting = []
        for start, end, target, missing in waiting:
            if missing & vouched:
                candidates.append((start, start - end, target))
            else:
                still_waiting.append((start, end, target, missing))
        return still_waiting

    def _missing_context(
        self, text: str, folded: str, start: int, end: int, rules: tuple[_Rule, ...]
    ) -> set[str] | frozenset[str] | None:
        """None when a rule accepts the hit, else the context groups it lacks (maybe none), or
        _REFUSED_FOR_THE_TEXT when a rule whose refusal holds for the whole text refuses it.

        A group whose evidence against the name is found ("Peru, Indiana") is not among
        them: no list neighbour, voucher or deed may then accept the hit for it.
        """
        matched = text[start:end]
        missing = set()
        for rule in rules:
            if rule.exact_form is not None and rule.exact_form != matched:
                continue
            if rule.context is None:
                return None
            context = self.contexts[rule.context]
            # The evidence against comes first, even for hits without context words, so a
            # refused hit never waits for a neighbour or voucher: one place decides refusal.
            # (It costs little: the refusals pre-check a character or a token set.)
            if context.refuses is not None and context.refuses(text, folded, start, end):
                if context.refusal_holds_for_the_text:
                    return _REFUSED_FOR_THE_TEXT
                continue
            if context.accepts is not None:
                if context.accepts(text, folded, start, end):
                    return None
                continue
            if context.pattern is None or _context_words_near(context, folded, start, end):
                return None
            missing.add(rule.context)
        return missing


# Returned by ``_missing_context`` (compared by identity).
_REFUSED_FOR_THE_TEXT: frozenset[str] = frozenset({"refused for the text"})


def _context_words_near(rule: ContextRule, folded: str, start: int, end: int) -> bool:
    # The name itself is left out: a name is never its own context.
    if rule.follows:
        return rule.pattern.match(folded, end, end + rule.window) is not None
    if rule.before is not None and rule.before.search(folded, max(0, start - rule.window), start):
        return True
    before = folded[max(0, start - rule.window) : start]
    after = folded[end : end + rule.window]
    return bool(rule.pattern.search(before) or rule.pattern.search(after))


# What separates two items of a list: "A, B", "A, and B", "A and B", "A or B", "A/B".
_LIST_GAP_BEFORE = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*/\s*)\Z")
_LIST_GAP_AFTER = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+|\s*/\s*")
_LIST_GAP_MAX = 8


def _listed_with_neighbours(
    text: str,
    waiting: list[tuple[int, int, int, set[str]]],
    groups_ending: dict[int, str],
    groups_starting: dict[int, str],
    deeds: Mapping[str, DeedRule],
) -> list[tuple[int, int, int]]:
    """Waiting hits that sit in a list next to an accepted name of a group they need, or
    right before a deed (``DeedRule``) that vouches for such a group.

    Repeated until nothing changes, so a vouched-for name vouches for its own
    neighbour ("Pikabot, Bumblebee and Latrodectus").
    """
    accepted: list[tuple[int, int, int]] = []
    pending = list(waiting)
    while pending:
        still_waiting = []
        for start, end, target, missing in pending:
            gap = _LIST_GAP_BEFORE.search(text, max(0, start - _LIST_GAP_MAX), start)
            left = groups_ending.get(gap.start()) if gap else None
            gap = _LIST_GAP_AFTER.match(text, end, end + _LIST_GAP_MAX)
            right = groups_starting.get(gap.end()) if gap else None
            group = left if left in missing else right if right in missing else None
            if group is None:
                group = _vouched_by_a_deed(text, end, missing, groups_starting, deeds)
            if group is None:
                still_waiting.append((start, end, target, missing))
                continue
            accepted.append((start, start - end, target))
            groups_ending[end] = groups_starting[start] = group
        if len(still_waiting) == len(pending):
            break
        pending = still_waiting
    return accepted


def _vouched_by_a_deed(
    text: str, end: int, missing: set[str], groups_starting: dict[int, str], deeds: Mapping[str, DeedRule]
) -> str | None:
    """The group among ``missing`` whose deed follows the name ending at ``end``, if any."""
    for group in missing & deeds.keys():
        rule = deeds[group]
        deed = rule.gap.match(text, end, end + rule.window)
        if deed is not None and groups_starting.get(deed.end()) == rule.done_with:
            return group
    return None
