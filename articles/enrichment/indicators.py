"""Indicators of compromise and CVE IDs in article text, defanged or not.

How it works: patterns that accept the defang tokens analysts write
(``hxxp``, ``[.]``, ``(dot)``, ``[@]``... see :mod:`articles.enrichment.defang`)
are matched against the *original* text, so every span is a native offset and
``finding.matched == doc.text[finding.start:finding.end]`` always holds. Each
match is then refanged, validated and normalized.

Speed: a regex tried at every character of a 5 KB article costs 100-500 us in
CPython, so no pattern scans the whole text. Each type is found from a rare
*anchor* located with literal searches — "//" for URLs, a dot token before a
letter or digit for host names and e-mail domains, a colon between hex digits
for IPv6, a digit for hashes, "CVE" for CVE IDs — and its pattern is matched
only there. Labels, chains and runs are possessive and their boundaries are
checked in Python, so time stays linear in the input (a 5 MB text or a
100k-character token takes well under a second; see the tests and
``bench/indicators_speed.py``). The URL, host-name, e-mail and IPv6 scanners live in
:mod:`articles.enrichment.network_indicators`; the hash and CVE scanners are here.

Rules worth knowing (the full definition, with examples, is ``docs/indicators.md``):

- Overlaps: a URL wins over the e-mail, IP and domain inside it, an e-mail
  over its domain, an IPv6 address over an embedded IPv4. A URL's host and an
  e-mail's domain are then reported once more as findings of their own,
  spanning the host as written and marked ``derived_from`` the URL/address.
  Hashes and CVE IDs inside a URL *path* are kept (VirusTotal and NVD links
  carry the indicator itself), but not inside a host name.
- Domains need a real TLD (:mod:`articles.enrichment.domains`); ``setup.py``
  style names are filenames unless defanged; a Title-case TLD
  (``attack ended.It was``) is a missing space, not a domain. A host followed
  by a path (``evil.example/dl/x.bin``) is a URL without a scheme.
- IPv4: octets 0-255, not part of a longer dotted number (``1.2.3.4.5``), not
  right after a word such as ``version`` (nor the second number of a version
  range); leading zeros are dropped with a ``note``. Both ends of a range
  (``10.0.0.1-10.0.0.255``) are reported; an address glued to letters
  (``host10.2.3.4port``) is found unless the letters are a version word.
- IPv6: validated and compressed by :mod:`ipaddress`; needs a decimal digit
  and two groups, so ``dead::beef`` from C++ code is ignored.
- Hashes: exactly 32/40/64/128 hex characters, not glued to a longer hex run,
  a digit or a ``0x``, and not all digits; repetitions (``aaaa…``,
  ``deadbeef…``) are placeholders, dropped with that reason.
- URLs lose trailing sentence punctuation and unbalanced closing brackets
  (``(see http://a.com/x).`` -> ``http://a.com/x``; ``.../Foo_(bar)`` keeps its
  parentheses); ``|``, ``,`` and a Markdown ``](`` end them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from articles.enrichment.defang import refang
from articles.enrichment.network_indicators import (
    CHAIN_RE,
    HEXDIGITS,
    IPV6_RE,
    URL_RE,
    Candidate,
    Dropped,
    Span,
    find_all,
    host_chain_candidates,
    host_value,
    ipv6_candidates,
    is_word_char,
    url_candidates,
)
from articles.enrichment.types import Document, DroppedCandidate, IndicatorFinding
from articles.enrichment.warninglists import WarningListIndex, default_index

__all__ = ["CHAIN_RE", "CVE_RE", "IPV6_RE", "URL_RE", "Candidate", "IndicatorExtractor", "Span"]

_I = re.IGNORECASE

# CVE IDs pasted from Word use en dashes; others carry a minus sign or a full-width hyphen.
_DASH = "-\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"
# A digest's first digit followed by 7+ hex characters: short numbers in prose
# ("2025", "3.5") never match. A digest whose digits all sit in its last 7
# characters is missed; the odds are below 1e-10.
_HEX_FROM_DIGIT = re.compile(r"[0-9][0-9a-fA-F]{7,}+")
# "CVE-2021-44228", "CVE 2017-0144" (a space after CVE), "cve_2021_44228" (rule and file names).
CVE_RE = re.compile(rf"CVE(?:[{_DASH}]|_| (?=\d{{4}}[{_DASH}]))(\d{{4}})[{_DASH}_](\d{{4,}}+)", _I)
_HEX_LETTERS = re.compile(r"[a-fA-F]{32,128}+")
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
# A hex run that ends a line (maybe hyphenated), and the hex run that starts the next.
_LINE_WRAP = re.compile(r"-?\r?\n[ \t]{0,4}(?P<rest>[0-9a-fA-F]{8,}+)")

# Network types in overlap precedence: an earlier type hides later ones inside it.
_NETWORK_ORDER = ("url", "email", "ipv6", "ipv4", "domain")


class IndicatorExtractor:
    """Finds IPs, domains, URLs, e-mails, hashes and CVE IDs; flags known-benign ones."""

    name = "indicators"
    version = "2.4.0"

    def __init__(self, warninglists: bool = True) -> None:
        # The index is a per-process singleton: building several extractors is cheap.
        self._warninglists: WarningListIndex | None = default_index() if warninglists else None

    def run(self, doc: Document, dropped: list[DroppedCandidate] | None = None) -> list[IndicatorFinding]:
        """All indicators in ``doc.text``, one finding per occurrence, sorted by (start, type).

        With ``dropped``, the candidates left out on purpose (placeholders, version
        numbers) are added to it with their reason: what ``extract --explain`` shows.
        """
        text = doc.text
        rejected: list[Dropped] | None = [] if dropped is not None else None
        network: dict[str, list[Candidate]] = {type_: [] for type_ in _NETWORK_ORDER}
        network["url"] = list(url_candidates(text))
        network["ipv6"] = list(ipv6_candidates(text))
        for candidate in host_chain_candidates(text, [(c[0], c[1]) for c in network["url"]], rejected):
            network[candidate[2]].append(candidate)

        accepted: list[Candidate] = []
        taken: list[Span] = []
        for type_ in _NETWORK_ORDER:
            kept = [c for c in network[type_] if not _overlaps_any((c[0], c[1]), taken)]
            accepted.extend(kept)
            taken = sorted(taken + [(c[0], c[1]) for c in kept])
        # A hash or CVE ID may sit in a URL path but not inside a host name.
        hosts = sorted(c[4] for c in accepted)
        for candidate in (*_hashes(text, rejected), *_cves(text)):
            if not _overlaps_any((candidate[0], candidate[1]), hosts):
                accepted.append(candidate)

        findings = [self._finding(text, *candidate[:4]) for candidate in accepted]
        findings += self._derived_hosts(text, accepted)
        findings.sort(key=lambda f: (f.start, f.type))
        if dropped is not None and rejected:
            dropped += sorted(
                DroppedCandidate(type=t, value=v, start=s, end=e, matched=text[s:e], reason=r)
                for s, e, t, v, r in rejected
            )
        return findings

    def _derived_hosts(self, text: str, accepted: list[Candidate]) -> list[IndicatorFinding]:
        """The host of every URL and the domain of every e-mail, as indicators of their own.

        Each is one finding whose span is the host as written inside its URL or address
        and whose ``derived_from`` is that URL's or address's value.
        """
        derived = []
        for start, end, type_, value, (host_start, host_end) in accepted:
            if type_ not in ("url", "email") or (host_start, host_end) == (start, end):
                continue
            host = host_value(refang(text[host_start:host_end]))
            if host is not None:
                derived.append(self._finding(text, host_start, host_end, *host, derived_from=value))
        return derived

    def _finding(
        self, text: str, start: int, end: int, type_: str, value: str, derived_from: str | None = None
    ) -> IndicatorFinding:
        matched = text[start:end]
        benign = self._warninglists.benign_name(type_, value) if self._warninglists else None
        note = None
        if type_ == "ipv4" and any(len(o) > 1 and o[0] == "0" for o in refang(matched).split(".")):
            note = "leading zeros removed; octets read as decimal"
        return IndicatorFinding(
            type=type_,
            value=value,
            start=start,
            end=end,
            matched=matched,
            defanged=refang(matched) != matched,
            benign=benign,
            derived_from=derived_from,
            note=note,
        )


def _overlaps_any(span: Span, sorted_spans: list[Span]) -> bool:
    """Does ``span`` overlap one of ``sorted_spans`` (sorted, non-overlapping)?"""
    i = bisect.bisect_left(sorted_spans, (span[1],))
    return i > 0 and sorted_spans[i - 1][1] > span[0]


def _touches_alnum(text: str, start: int, end: int) -> bool:
    return (text[start - 1 : start] or " ").isalnum() or (text[end : end + 1] or " ").isalnum()


# --- Hashes, CVE IDs ----------------------------------------------------------


def _glued_to_number(text: str, start: int, end: int) -> bool:
    """A hex run is a hash even between underscores or glued to a word
    ("sample_<sha256>_unpacked.exe"; the run is maximal, so no hex digit touches it),
    but not a "0x" number, and not glued to a non-ASCII digit."""
    before, after = text[start - 1 : start], text[end : end + 1]
    if before in ("x", "X") and text[start - 2 : start - 1] == "0":
        return True
    return before.isdigit() or after.isdigit()


def _placeholder_hash(value: str) -> bool:
    """ "aaaa…", "0000…", "deadbeef" repeated, "0123456789abcdef" repeated: a
    repetition of a unit of up to 16 characters, never a real digest."""
    return any(len(value) % n == 0 and value == value[:n] * (len(value) // n) for n in (1, 2, 4, 8, 16))


def _letter_only_placeholders(text: str, dropped: list[Dropped]) -> None:
    """ "aaaa…", "deadbeef…": hash-length hex runs without a digit are never digests, and
    the digit-anchored scan never sees them; only ``--explain`` asks for them."""
    for match in _HEX_LETTERS.finditer(text):
        start, end = match.span()
        type_ = _HASH_TYPES.get(end - start)
        value = match.group().lower()
        maximal = text[start - 1 : start] not in HEXDIGITS and text[end : end + 1] not in HEXDIGITS
        if type_ and maximal and not _glued_to_number(text, start, end) and _placeholder_hash(value):
            dropped.append((start, end, type_, value, "placeholder"))


def _wrapped_hash(text: str, start: int, end: int) -> tuple[int, str] | None:
    """(end, value) of a digest a PDF's text layer broke at the end of a line, maybe with
    a hyphen ("b38191…ce0-\\ne0f49b…"): neither piece is a digest, joined they are one."""
    wrap = _LINE_WRAP.match(text, end)
    if wrap is None or end - start < 8:
        return None
    rest_end = wrap.end()
    if _HASH_TYPES.get(rest_end - wrap.start("rest")) or is_word_char(text[rest_end : rest_end + 1] or " "):
        return None
    value = (text[start:end] + wrap.group("rest")).lower()
    return (rest_end, value) if len(value) in _HASH_TYPES else None


def _hashes(text: str, dropped: list[Dropped] | None = None) -> Iterator[Candidate]:
    wrapped_until = 0
    for match in _HEX_FROM_DIGIT.finditer(text):
        start, end = match.span()
        if start < wrapped_until:
            continue  # the second half of a digest broken across two lines
        # The match starts at the run's first digit; hex letters before it belong to it too.
        while start > 0 and end - start <= 128 and text[start - 1] in HEXDIGITS:
            start -= 1
        type_ = _HASH_TYPES.get(end - start)
        if type_ is None and text[end : end + 1] in ("-", "\n", "\r"):
            wrapped = _wrapped_hash(text, start, end)
            if wrapped and not _glued_to_number(text, start, end) and not _placeholder_hash(wrapped[1]):
                wrapped_until, value = wrapped
                if not value.isdigit():
                    yield start, wrapped_until, _HASH_TYPES[len(value)], value, (start, wrapped_until)
            continue
        if type_ is None or _glued_to_number(text, start, end):
            continue
        value = text[start:end].lower()
        if _placeholder_hash(value):
            if dropped is not None:
                dropped.append((start, end, type_, value, "placeholder"))
        elif not value.isdigit():  # a letter too: an all-digit run is a number
            yield start, end, type_, value, (start, end)
    if dropped is not None:
        _letter_only_placeholders(text, dropped)


def _cves(text: str) -> Iterator[Candidate]:
    # Literal finds of the three usual spellings, then the pattern at each spot.
    starts = sorted(i for spelling in ("CVE", "cve", "Cve") for i in find_all(text, spelling))
    for i in starts:
        match = CVE_RE.match(text, i)
        if match is None:
            continue
        start, end = match.span()
        # An underscore may glue it into a name ("detect_cve_2022_30190.yml"); a letter or digit may not.
        if _touches_alnum(text, start, end) or (start and text[start - 1] in _DASH):
            continue
        value = f"CVE-{match.group(1)}-{match.group(2)}"
        yield start, end, "cve", value, match.span()
