"""What every name rule builds on: the rule type, the ordinary-word test, the rules for a
coined word.

A name that is an ordinary English word ("Sandworm", "Cobalt") needs stricter rules
than a coined one ("Emotet"); :func:`is_ordinary` decides which, from a dictionary
that ships with ``english-words``. Kept apart so the entity table (``entities.py``)
and the ATT&CK technique rules (``techniques.py``) share these without importing each
other.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from english_words import get_english_words_set

SHORT_NAME = 3  # names this long or shorter get the strictest rules
WORD_TOKEN = re.compile(r"[^\W_]+")
_CAMEL_CASE = re.compile(r"[a-z][A-Z]")


class NameRule(NamedTuple):
    """How one form of a name may match."""

    surface: str  # the form it applies to (for exact-case rules, the form required)
    exact_case: bool
    context: str | None


@cache
def english_words() -> frozenset[str]:
    # GCIDE (a general dictionary) plus web2, which adds first names, mythology and
    # rare words ("Lucy", "Athena", "Epsilon"): names that should need context too.
    return frozenset(get_english_words_set(["gcide", "web2"], lower=True))


def _is_dictionary_word(word: str) -> bool:
    words = english_words()
    if word in words or word.isdigit():
        return True
    # The dictionary lists lemmas; accept simple inflections ("windows", "masquerading").
    # Only "-es" comes off whole: "Rubeus" is not "rube" + "-us".
    stems = [word[:-1]] if word.endswith("s") else []
    if word.endswith("es"):
        stems.append(word[:-2])
    if word.endswith("ies"):
        stems.append(word[:-3] + "y")
    if word.endswith(("ing", "ed")):
        base = word[:-3] if word.endswith("ing") else word[:-2]
        stems += [base, base + "e", word[:-1]]
    return any(stem in words for stem in stems if len(stem) > 2)


def is_ordinary(name: str) -> bool:
    """True when every word of ``name`` is an ordinary English word ("Pawn Storm").

    A word with a capital inside it ("BloodHound", "MuddyWater") is written as a name,
    whatever its letters spell.
    """
    tokens = WORD_TOKEN.findall(name)
    if any(_CAMEL_CASE.search(token) for token in tokens):
        return False
    return bool(tokens) and all(_is_dictionary_word(token.lower()) for token in tokens)


def alnum_length(name: str) -> int:
    """Letters and digits in ``name``: how long it is for the short-name rules."""
    return sum(char.isalnum() for char in name)


def coined_word_rules(surface: str, context: str) -> list[NameRule]:
    """Rules for one word that is not an ordinary word as written ("Emotet", "BloodHound").

    As written, or shouted in a headline, it is a name; in any other casing ("emotet")
    it needs context, as it may be an identifier. A camel-cased ordinary word
    ("EnCrypt") is a name only as written: "encrypt" is the verb, context or not.
    """
    as_written = [NameRule(surface, exact_case=True, context=None)]
    if is_ordinary(surface.lower()):
        return as_written
    return [
        *as_written,
        NameRule(surface.upper(), exact_case=True, context=None),
        NameRule(surface, exact_case=False, context=context),
    ]
