"""Estimative language: one probability scale and a separate confidence statement.

ICD 203 (US Intelligence Community Directive 203, "Analytic Standards", 2015) gives two
parallel scales of seven terms for the likelihood of an event, and asks analysts to keep
to one of them and not to mix likelihood and confidence in one statement ("we assess with
high confidence that it is likely" muddles two things). A brief uses the first scale; its
published page ends with that yardstick.

Pure Python, no Django: ``check`` reads a text and says what to fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# (term, synonym on the second scale, range in percent), least likely first.
YARDSTICK: list[tuple[str, str, str]] = [
    ("almost no chance", "remote", "1–5 %"),
    ("very unlikely", "highly improbable", "5–20 %"),
    ("unlikely", "improbable", "20–45 %"),
    ("roughly even chance", "roughly even odds", "45–55 %"),
    ("likely", "probable", "55–80 %"),
    ("very likely", "highly probable", "80–95 %"),
    ("almost certain", "nearly certain", "95–99 %"),
]

# Longer phrases first, so "very likely" is not also read as "likely".
_SCALE_TERMS = sorted(
    [(term, "scale") for term, _, _ in YARDSTICK]
    + [("almost certainly", "scale"), ("improbably", "synonym"), ("probably", "synonym")]
    + [(synonym, "synonym") for _, synonym, _ in YARDSTICK],
    key=lambda pair: -len(pair[0]),
)
_TERM_PATTERN = re.compile(
    r"\b(" + "|".join(re.escape(term) for term, _ in _SCALE_TERMS) + r")\b", re.IGNORECASE
)
_KIND = {term: kind for term, kind in _SCALE_TERMS}
_CONFIDENCE = re.compile(
    r"\b(high|moderate|medium|low)\s+confidence\b|\bconfidence\s+(is\s+)?(high|moderate|low)\b", re.I
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Warning:
    code: str  # "mixed-scales", "synonym-scale", "likelihood-and-confidence", "no-likelihood"
    message: str


# "remote" is a likelihood only before one of these ("remote code execution" is not).
_REMOTE_AS_LIKELIHOOD = re.compile(r"\s+(chance|possibility|probability|likelihood|prospect)\b", re.I)


def likelihood_terms(text: str) -> list[tuple[str, str]]:
    """Each likelihood term in ``text`` and its scale ("scale" or "synonym"), in order."""
    found = []
    for match in _TERM_PATTERN.finditer(text):
        term = match.group(1).lower()
        if term == "remote" and not _REMOTE_AS_LIKELIHOOD.match(text, match.end()):
            continue
        found.append((term, _KIND[term]))
    return found


def check(text: str, *, judgment: bool = False) -> list[Warning]:
    """What to fix in ``text``: terms from the second scale (mixed with the first or not),
    and sentences holding both a likelihood and a confidence statement; for a key judgment
    (``judgment``), also the lack of any likelihood term."""
    warnings: list[Warning] = []
    terms = likelihood_terms(text)
    if judgment and text.strip() and not terms:
        warnings.append(
            Warning(
                "no-likelihood",
                "This judgment states no likelihood: say how likely it is with one term of the scale "
                "(almost no chance … almost certain).",
            )
        )
    kinds = {kind for _, kind in terms}
    synonyms = sorted({term for term, kind in terms if kind == "synonym"})
    if kinds == {"scale", "synonym"}:
        warnings.append(
            Warning(
                "mixed-scales",
                "Mixed probability scales: "
                + ", ".join(f"“{t}”" for t in synonyms)
                + " belong to the second scale; use the brief's terms (almost no chance … almost certain).",
            )
        )
    elif synonyms:
        warnings.append(
            Warning(
                "synonym-scale",
                "Use the brief's scale: "
                + ", ".join(f"“{t}”" for t in synonyms)
                + " → "
                + ", ".join(f"“{_first_scale(t)}”" for t in synonyms)
                + ".",
            )
        )
    for sentence in _SENTENCE.split(text):
        if likelihood_terms(sentence) and _CONFIDENCE.search(sentence):
            warnings.append(
                Warning(
                    "likelihood-and-confidence",
                    f"Likelihood and confidence in one sentence (“{sentence.strip()[:160]}”): "
                    "State the likelihood in the judgment and the confidence separately.",
                )
            )
    return warnings


def _first_scale(synonym: str) -> str:
    for term, other, _ in YARDSTICK:
        if synonym in (other, other.rstrip("e") + "y"):
            return term
    return {"probably": "likely", "improbably": "unlikely"}.get(synonym, synonym)
