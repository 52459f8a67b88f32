"""Organizations no gazetteer lists, found by the word that ends their name.

Victims are named in every incident story ("Kettering Health", "Erie Insurance", "Tata
Motors", "King's College Hospital", "the Environmental Protection Agency") and no curated
list can hold them all. A run of capitalised words that ends in a word organizations take
(``_ENDINGS``: "Health", "Insurance", "Motors", "Hospital", "Agency"...) is one, named as
written. What keeps it from reading ordinary capitals as names:

- two words at least ("Health" alone is a word): up to five before the ending, two after;
- only in a text about a threat (the caller, ``EntityExtractor``, decides);
- not in a headline: in a short line without a full stop whose words are nearly all
  capitalised, capitals say nothing ("Hackers Hit Regional Health Agency");
- a first word that only starts a sentence ("The", "Several") is dropped, and so is a
  word another finding holds at either end ("Japan's National Police Agency", "Ministry
  of Health of Paraguay");
- nothing another finding holds inside it: "Lazarus Group" is the actor.
"""

from __future__ import annotations

import re
from bisect import bisect_left

# Words an organization's name ends in, as written in its name.
_ENDINGS = (
    "Inc|Corp|Corporation|Ltd|LLC|PLC|Group|Holdings|Bank|Airlines|Airways|Insurance|Health"
    "|Healthcare|Hospital|Hospitals|Clinic|University|College|Agency|Administration|Department"
    "|Ministry|Police|Motors|Systems|Technologies|Solutions|Laboratories|Networks|Foundation"
    "|Institute|Council|Authority|Commission|Bureau|Pharmaceuticals|Telecom|Communications"
    "|Logistics|Industries|Enterprises|Association|Federation|Company|Companies|Utilities"
)
# Found from their ending: the endings are literals the regex engine skips ahead to, and
# only before each one is the run of capitalised words read (a pattern that starts at every
# capitalised word costs ~170 µs an article; this ~20). Capitalised words ("King's",
# "AT&T", "Smith-Jones") joined by spaces or by the small words names hold ("of", "and",
# "for", "&"), up to five before the ending and two after it ("… Police Office",
# "… Institute of Chicago").
_ENDING_AT = re.compile(rf"(?:{_ENDINGS})\b(?![-'’]\w)")
_RUN_BEFORE = re.compile(r"(?:[A-Z][\w'’&.-]*[ \t]+(?:(?:of|and|for|&|de|du)[ \t]+)?){1,5}\Z")
_RUN_AFTER = re.compile(r"(?:[ \t]+(?:of[ \t]+)?[A-Z][\w'’&-]*\b(?![-'’]\w)){0,2}")
_RUN_WINDOW = 160
_WORD = re.compile(r"[\w'’&.-]+")
# First words that start a sentence, not a name.
_NOT_A_FIRST_WORD = frozenset({
    "The", "A", "An", "In", "On", "At", "By", "For", "From", "And", "But", "Or", "Our", "Their",
    "Its", "His", "Her", "This", "That", "These", "Those", "Some", "Several", "Many", "Most", "All",
    "Both", "Each", "Every", "Two", "Three", "Four", "Five", "Six", "Ten", "Other", "Another",
    "Any", "No", "When", "While", "After", "Before", "Since", "If", "As", "Although", "Because",
    "Then", "Also", "However", "Meanwhile",
})  # fmt: skip
_ENDING_WORD = re.compile(rf"\b(?:{_ENDINGS})\b")
_JOINERS = frozenset({"of", "and", "for", "&", "de", "du"})
# "X Agency and Y Insurance" is two names; "Guy's and St Thomas'" one (no ending before "and").
_AND = re.compile(r"[ \t]+and[ \t]+")
_HEADLINE_SHARE = 0.8
_HEADLINE_MAX = 300  # characters: a longer line is a paragraph


def named_organizations(text: str, spans: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Spans of organizations named by their ending, clear of ``spans`` (sorted, disjoint)."""
    starts = [start for start, _, _ in spans]
    found: list[tuple[int, int]] = []
    covered = 0
    for ending in _ENDING_AT.finditer(text):
        if ending.start() < covered or _glued(text, ending.start()):
            continue  # inside the last name, or the end of a longer word ("SubGroup")
        run = _RUN_BEFORE.search(text, max(0, ending.start() - _RUN_WINDOW), ending.start())
        if run is None or _glued(text, run.start()):
            continue
        end = _RUN_AFTER.match(text, ending.end()).end()
        covered = end
        for part_start, part_end in _split_at_and(text, run.start(), end):
            name = _named(text, part_start, part_end, spans, starts)
            if name is not None and (not found or name[0] >= found[-1][1]):
                found.append(name)
    return found


def _glued(text: str, start: int) -> bool:
    """Whether ``start`` is inside a longer token ("iPhone", "x-Group")."""
    return bool(start) and (text[start - 1].isalnum() or text[start - 1] in "_&'’.-")


def _split_at_and(text: str, start: int, end: int) -> list[tuple[int, int]]:
    parts = []
    for joint in _AND.finditer(text, start, end):
        if _ENDING_WORD.search(text, start, joint.start()):
            parts.append((start, joint.start()))
            start = joint.end()
    parts.append((start, end))
    return parts


def _named(
    text: str, start: int, end: int, spans: list[tuple[int, int, int]], starts: list[int]
) -> tuple[int, int] | None:
    """The name in ``text[start:end]`` once sentence openers and other findings are off its
    ends ("Japan's National Police Agency", "Ministry of Health of Paraguay"), or None."""
    words = list(_WORD.finditer(text, start, end))
    while words and (words[0].group() in _NOT_A_FIRST_WORD or _overlaps(spans, starts, *words[0].span())):
        words.pop(0)
    while words and (words[-1].group() in _JOINERS or _overlaps(spans, starts, *words[-1].span())):
        words.pop()
    if len(words) < 2 or not words[0].group()[0].isupper():
        return None
    if not any(_ENDING_WORD.fullmatch(word.group()) for word in words[1:]):
        return None
    start, end = words[0].start(), words[-1].end()
    if _overlaps(spans, starts, start, end) or _in_a_headline(text, start, end):
        return None
    return start, end


def _overlaps(spans: list[tuple[int, int, int]], starts: list[int], start: int, end: int) -> bool:
    before = bisect_left(starts, end)
    return bool(before) and spans[before - 1][1] > start


# Small words a headline leaves in lower case.
_SMALL = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "for",
        "to",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "vs",
        "via",
    ]
)


def _in_a_headline(text: str, start: int, end: int) -> bool:
    """A short line without a full stop at its end whose words are nearly all capitalised."""
    low = max(0, start - _HEADLINE_MAX)
    line_start = text.rfind("\n", low, start) + 1 if low else text.rfind("\n", 0, start) + 1
    if low and line_start == 0:
        return False  # no line break within reach: a paragraph, not a headline
    line_end = text.find("\n", end, end + _HEADLINE_MAX)
    if line_end < 0:
        if end + _HEADLINE_MAX < len(text):
            return False
        line_end = len(text)
    line = text[line_start:line_end].rstrip()
    if len(line) > _HEADLINE_MAX or line.endswith((".", "!", "?")):
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if w.lower() not in _SMALL]
    if len(words) < 4:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= _HEADLINE_SHARE
