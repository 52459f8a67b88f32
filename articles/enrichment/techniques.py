"""Rules for matching ATT&CK techniques by their short or former names.

A sub-technique's short name ("PowerShell", "Password Spraying") or a revoked
technique's name may name the technique on its own when it is distinctive; an
everyday one ("Python", "Local Accounts") needs its exact case and technique
context. Kept apart from ``entities.py`` because these rules are specific to ATT&CK
and are tuned on their own.
"""

from __future__ import annotations

import re

from articles.enrichment.name_rules import (
    SHORT_NAME,
    WORD_TOKEN,
    NameRule,
    alnum_length,
    coined_word_rules,
)

# Last words that make an ordinary phrase a technique: "Password Spraying", "Process
# Hollowing", "Command Obfuscation", "Scheduled Task", "Web Shell", "Golden Ticket".
# Other nouns of action stay out: "one-way communication", "reversible encryption".
_ACTION_HEAD = re.compile(
    r"ing$|^(?:task|shell|ticket|hash|bypass|flood|wipe|injection|obfuscation|amplification"
    r"|insertion|deletion|execution|modification)$"
)


def technique_name_variants(name: str) -> list[str]:
    """Spellings of a technique's short name that prose uses ("spear-phishing links")."""
    variants = [name]
    if "Spearphishing" in name:
        variants += [name.replace("Spearphishing", s) for s in ("Spear-phishing", "Spear Phishing")]
    last = name.split()[-1]
    if " " in name and last.isalpha() and not last.lower().endswith(("s", "ing")):
        plural = "es" if last.endswith(("sh", "ch", "x")) else "s"
        variants += [variant + plural for variant in variants]  # "Scheduled Tasks"
    return variants


def technique_short_name_rules(surface: str, ordinary: bool) -> list[NameRule]:
    """Rules for a technique's short or former name ("PowerShell", "Password Spraying").

    A distinctive name is the technique by itself: a coined word ("Kerberoasting") as
    written, or several words that are not all ordinary ("LSASS Memory"). Ordinary words
    that end in an action ("Password Spraying", "Scheduled Task") are the technique as
    written, capitalised, or in any case with a threat nearby. Other names ("Python",
    "Local Accounts") need their exact case and technique context; the shortest ("DLL",
    "SSH") are protocols and formats, never techniques.
    """
    if alnum_length(surface) <= SHORT_NAME:
        return []
    tokens = WORD_TOKEN.findall(surface)
    if len(tokens) == 1 and not ordinary:
        return coined_word_rules(surface, "technique")
    if len(tokens) > 1 and not ordinary:
        return [NameRule(form, exact_case=False, context=None) for form in technique_name_variants(surface)]
    if len(tokens) > 1 and _ACTION_HEAD.search(tokens[-1].lower()):
        # Ordinary words ending in an action are also everyday phrases ("Pass the hash
        # browns", "Scheduled task charts on the fridge"): a threat nearby makes them the
        # technique, as for galaxy names of ordinary words; written capitalised as named
        # ("Windows Command Shell"), they are the technique anyway.
        return [
            rule
            for form in technique_name_variants(surface)
            for rule in (
                NameRule(form, exact_case=True, context=None),
                NameRule(form, exact_case=False, context="alias"),
            )
        ]
    return [NameRule(surface, exact_case=True, context="technique")]
