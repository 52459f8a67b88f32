"""Indicators of compromise and CVE IDs in article text, defanged or not.

How it works: one regex per indicator type scans the *original* text and
accepts the defang tokens analysts write (``hxxp``, ``[.]``, ``(dot)``,
``[@]``... see :mod:`articles.enrichment.defang`), so every span is a native
offset and ``finding.matched == doc.text[finding.start:finding.end]`` always
holds. Each match is then refanged, validated and normalized.

Rules worth knowing:

- Overlaps: a URL wins over the e-mail, IP and domain inside it, an e-mail
  over its domain, an IPv6 address over an embedded IPv4. So a URL's host is
  not reported again unless it also stands alone elsewhere. Hashes and CVE IDs
  inside a URL *path* are kept (VirusTotal and NVD links carry the indicator
  itself), but not inside a host name.
- Domains need a real TLD (:mod:`articles.enrichment.domains`); ``setup.py``
  style names are filenames unless defanged; a Title-case TLD
  (``attack ended.It was``) is a missing space, not a domain.
- IPv4: octets 0-255 without leading zeros, not part of a longer dotted
  number (``1.2.3.4.5``), not right after a word such as ``version``.
- IPv6: validated and compressed by :mod:`ipaddress`; needs a decimal digit
  and two groups, so ``dead::beef`` from C++ code is ignored.
- Hashes: exactly 32/40/64/128 hex characters, not inside a longer run, and
  with both a letter and a digit.
- Every pattern is anchored by a look-behind that refuses to start inside a
  token, and long runs use possessive quantifiers, so input size stays linear
  (a 5 MB text or a 100k-character token takes well under a second).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Iterator

from articles.enrichment.defang import (
    AT,
    DOT,
    DOT_IN_BRACKETS,
    PORT_COLON,
    SCHEME,
    SCHEME_SEP,
    refang,
)
from articles.enrichment.domains import is_hostname, is_tld, looks_like_filename
from articles.enrichment.types import Document, IndicatorFinding
from articles.enrichment.warninglists import WarningListIndex, default_index

_I = re.IGNORECASE

# Labels and chains are possessive (they match to their end or not at all) and
# are validated in Python. Letting the engine retry shorter labels or chains
# makes the scan slow, and quadratic on hostile input such as "a[.]" * 30000.
_LABEL = r"[a-z0-9][a-z0-9-]{0,62}+"
_CHAIN = rf"{_LABEL}(?:{DOT}{_LABEL})++"
_LOCAL_PART = r"[a-z0-9_%+\-]{1,64}+(?:(?:\.|\[\.\])[a-z0-9_%+\-]{1,64}+){0,16}+"
_DASH = "-\u2010\u2011\u2012\u2013\u2014"  # CVE IDs pasted from Word use en dashes
# Path characters of a URL in prose; quotes, brackets of markup and spaces end it.
_URL_TAIL = "[^\\s<>\"'`\u201c\u201d\u2018\u2019]"

# Speed: a regex that must be tried at every character of a 5 KB article costs
# 100-500 us in CPython. So each type is found from a rare *anchor* — "//" for
# URLs, a dot token followed by a letter or digit for host names, a digit for
# hashes — located with fast literal searches, and the full pattern is only
# matched at those spots. Boundary rules are checked in Python.
URL_RE = re.compile(
    rf"(?P<scheme>{SCHEME}){SCHEME_SEP}"
    rf"(?P<host>{_LABEL}(?:{DOT}{_LABEL})*+|\[[0-9a-f:.]{{2,45}}\])"
    rf"(?:{PORT_COLON}\d{{1,5}})?"
    rf"(?P<rest>[/?#]{_URL_TAIL}*+)?",
    _I,
)
_SCHEME_NEAR = re.compile(rf"{SCHEME}{SCHEME_SEP}", _I)
CHAIN_RE = re.compile(_CHAIN, _I)
_DOT_ANCHOR = re.compile(r"\.(?=[a-zA-Z0-9])")
_BRACKET_DOT_ANCHOR = re.compile(rf"(?:{DOT_IN_BRACKETS} ?|\\\.)(?=[a-z0-9])", _I)
_EMAIL_HEAD = re.compile(rf"(?<![\w.%+\-\]]){_LOCAL_PART}{AT}\Z", _I)
IPV6_RE = re.compile(
    r"(?<![\w:.\]])[0-9a-f]{0,4}(?:(?::|\[:\])[0-9a-f]{0,4}){2,7}"
    r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)",
    _I,
)
_HEX_FROM_DIGIT = re.compile(r"\d[0-9a-fA-F]*+")
CVE_RE = re.compile(rf"CVE[{_DASH}](\d{{4}})[{_DASH}](\d{{4,}}+)", _I)

_DOT_THEN_DIGIT = re.compile(rf"{DOT}\d", _I)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver\.?|build|release|firmware|v)\s?$", _I)
_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_LABEL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_TRAILING_PUNCTUATION = ".,;:!?'\"*"
# Cheap literal hints that a bracketed dot or an IPv6 "[:]" may be present.
_BRACKET_HINTS = ("[", "{", "\\", "(.", "( .", "ot)", "OT)")

# Network types in overlap precedence: an earlier type hides later ones inside it.
_NETWORK_ORDER = ("url", "email", "ipv6", "ipv4", "domain")

Span = tuple[int, int]
Candidate = tuple[int, int, str, str, Span]  # start, end, type, value, host span


class IndicatorExtractor:
    """Finds IPs, domains, URLs, e-mails, hashes and CVE IDs; flags known-benign ones."""

    name = "indicators"
    version = "1.0.0"

    def __init__(self, warninglists: bool = True) -> None:
        # The index is a per-process singleton: building several extractors is cheap.
        self._warninglists: WarningListIndex | None = default_index() if warninglists else None

    def run(self, doc: Document) -> list[IndicatorFinding]:
        """All indicators in ``doc.text``, one finding per occurrence, sorted by (start, type)."""
        text = doc.text
        network: dict[str, list[Candidate]] = {type_: [] for type_ in _NETWORK_ORDER}
        network["url"] = list(_urls(text))
        network["ipv6"] = list(_ipv6s(text))
        for candidate in _host_chains(text):
            network[candidate[2]].append(candidate)

        accepted: list[Candidate] = []
        taken: list[Span] = []
        for type_ in _NETWORK_ORDER:
            kept = [c for c in network[type_] if not _overlaps_any((c[0], c[1]), taken)]
            accepted.extend(kept)
            taken = sorted(taken + [(c[0], c[1]) for c in kept])
        # A hash or CVE ID may sit in a URL path but not inside a host name.
        hosts = sorted(c[4] for c in accepted)
        for candidate in (*_hashes(text), *_cves(text)):
            if not _overlaps_any((candidate[0], candidate[1]), hosts):
                accepted.append(candidate)

        findings = [self._finding(text, *candidate[:4]) for candidate in accepted]
        findings.sort(key=lambda f: (f.start, f.type))
        return findings

    def _finding(self, text: str, start: int, end: int, type_: str, value: str) -> IndicatorFinding:
        matched = text[start:end]
        benign = self._warninglists.benign_name(type_, value) if self._warninglists else None
        return IndicatorFinding(
            type=type_,
            value=value,
            start=start,
            end=end,
            matched=matched,
            defanged=refang(matched) != matched,
            benign=benign,
        )


def _overlaps_any(span: Span, sorted_spans: list[Span]) -> bool:
    """Does ``span`` overlap one of ``sorted_spans`` (sorted, non-overlapping)?"""
    i = bisect.bisect_left(sorted_spans, (span[1],))
    return i > 0 and sorted_spans[i - 1][1] > span[0]


def _find_all(text: str, needle: str) -> Iterator[int]:
    i = text.find(needle)
    while i >= 0:
        yield i
        i = text.find(needle, i + 1)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def _touches_word(text: str, start: int, end: int) -> bool:
    """Is the span glued to a letter, digit or underscore on either side?"""
    return _is_word_char(text[start - 1 : start] or " ") or _is_word_char(text[end : end + 1] or " ")


def _ends_cleanly(text: str, end: int) -> bool:
    """A host must not run on into a word ("evil.com_x", "evil.com-")."""
    following = text[end : end + 1]
    return not following or not (_is_word_char(following) or following == "-")


# --- URLs -------------------------------------------------------------------


def _urls(text: str) -> Iterator[Candidate]:
    covered = 0
    for slashes in _find_all(text, "//"):
        if slashes < covered:
            continue
        # The scheme starts at most 9 characters before the "//" ("hxxps[:]//").
        near = _SCHEME_NEAR.search(text, max(0, slashes - 9), slashes + 3)
        if near is None or near.end() <= slashes:
            continue
        if _is_word_char(text[near.start() - 1 : near.start()] or " "):
            continue  # "xhttp://" is not a scheme
        match = URL_RE.match(text, near.start())
        if match is None:
            continue
        start, end = match.span()
        if match.group("rest"):
            end = _trim_url_end(text, start, match.start("rest"), end)
        covered = end
        if _normalize_host(refang(match.group("host"))) is None:
            continue
        value = _normalize_url(refang(text[start:end]), match.group("scheme"))
        yield start, end, "url", value, match.span("host")


def _trim_url_end(text: str, start: int, rest_start: int, end: int) -> int:
    """Drop sentence punctuation and unbalanced closing brackets after a URL."""
    url = text[start:end]
    # Counted once and updated as we trim: recounting per character is quadratic.
    balance = {closer: url.count(closer) - url.count(opener) for closer, opener in _CLOSERS.items()}
    while end > rest_start:
        last = text[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in _CLOSERS and balance[last] > 0:
            balance[last] -= 1
            end -= 1
        else:
            break
    return end


def _normalize_host(host: str) -> str | None:
    """Lower-case host, compressed IPv6 literal; None when it is not a real host."""
    if host.startswith("["):
        address = _ipv6(host[1:-1])
        return f"[{address}]" if address else None
    host = host.lower()
    if host.replace(".", "").isdigit():
        return host if _is_ipv4(host) else None
    return host if is_hostname(host) else None


def _normalize_url(url: str, raw_scheme: str) -> str:
    """Scheme and host lower-cased (hxxp -> http), port, path and query kept as written."""
    scheme = ("http" if raw_scheme[0] in "hH" else "ftp") + ("s" if raw_scheme[-1] in "sS" else "")
    rest = url.partition("://")[2]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if authority.startswith("["):
        literal, _, port = authority[1:].partition("]")
        authority = f"[{_ipv6(literal) or literal.lower()}]{port}"
    return f"{scheme}://{authority.lower()}{tail}"


# --- Host names: domains, IPv4 addresses, e-mail addresses -----------------


def _dot_anchors(text: str) -> list[int]:
    anchors = [m.start() for m in _DOT_ANCHOR.finditer(text)]
    if any(hint in text for hint in _BRACKET_HINTS):
        anchors.extend(m.start() for m in _BRACKET_DOT_ANCHOR.finditer(text))
        anchors.sort()
    return anchors


def _host_chains(text: str) -> Iterator[Candidate]:
    """Every dotted chain ("evil[.]com", "1.2.3.4"), classified by what it is and follows."""
    covered = 0
    for anchor in _dot_anchors(text):
        if anchor < covered:
            continue
        label_end = anchor - 1 if text[anchor - 1 : anchor] == " " else anchor
        start = label_end
        while start > 0 and label_end - start < 64 and text[start - 1] in _LABEL_CHARS:
            start -= 1
        chain = CHAIN_RE.match(text, start) if start < label_end else None
        if chain is None or chain.end() <= anchor:
            continue
        covered = chain.end()
        before = text[start - 1 : start]
        if _is_word_char(before or " ") or not _ends_cleanly(text, chain.end()):
            continue
        # "@", or a bracketed "[at]" / "(at)" possibly followed by one space.
        if before == "@" or any(c in "])}" for c in text[max(0, start - 2) : start]):
            head = _EMAIL_HEAD.search(text, max(0, start - 160), start)
            if head:
                yield from _email(text, head.start(), chain.end())
                continue
        value = refang(chain.group())
        if value.replace(".", "").isdigit():
            yield from _ipv4(text, start, chain.end(), value)
        elif before not in (".", "-", "/", "\\"):  # not a file path ("/usr/lib/x.so")
            yield from _domain(start, chain.end(), chain.group(), value)


def _email(text: str, start: int, end: int) -> Iterator[Candidate]:
    value = refang(text[start:end]).lower()
    local, _, domain = value.rpartition("@")
    if local and is_hostname(domain):
        yield start, end, "email", value, (start, end)


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and int(p) <= 255 and (p == "0" or not p.startswith("0")) for p in parts
    )


def _ipv4(text: str, start: int, end: int, value: str) -> Iterator[Candidate]:
    if not _is_ipv4(value) or text[start - 1 : start] in (".", "-"):
        return
    if text[max(0, start - 3) : start] in ("[.]", "(.)", "{.}"):
        return  # the tail of a longer defanged dotted number
    if value == text[start:end] and _VERSION_BEFORE.search(text, max(0, start - 10), start):
        return  # "version 1.2.3.4": a plain dotted number right after a version word
    yield start, end, "ipv4", value, (start, end)


def _domain(start: int, end: int, matched: str, value: str) -> Iterator[Candidate]:
    defanged = value != matched
    labels = value.split(".")
    tld = labels[-1]
    if not is_tld(tld) or looks_like_filename(labels, defanged):
        return
    if not defanged and tld[0].isupper() and not tld.isupper():
        return  # "ended.It was": a missing space, not a domain
    if is_hostname(value.lower()):
        yield start, end, "domain", value.lower(), (start, end)


# --- IPv6, hashes, CVE IDs ----------------------------------------------------


def _ipv6(candidate: str) -> str | None:
    """Compressed form; IPv4-mapped addresses keep their dotted tail (as Python 3.13 does)."""
    try:
        address = ipaddress.IPv6Address(candidate)
    except ValueError:
        return None
    if address.ipv4_mapped:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed


def _may_hold_ipv6(text: str) -> bool:
    """A hex digit on both sides of some colon (or a defanged "[:]"): rare in prose."""
    if "[:]" in text:
        return True
    for colon in _find_all(text, ":"):
        if text[colon - 1 : colon] in _HEXDIGITS and text[colon + 1 : colon + 2] in _HEXDIGITS | {":"}:
            return True
    return False


def _ipv6s(text: str) -> Iterator[Candidate]:
    if not _may_hold_ipv6(text):
        return
    for match in IPV6_RE.finditer(text):
        raw = refang(match.group())
        groups = [g for g in raw.split(":") if g]
        if len(groups) < 2 or not any(c.isdigit() for c in raw):
            continue  # "::", "dead::beef": C++ scopes and emoticons, not addresses
        address = _ipv6(raw)
        if address:
            yield match.start(), match.end(), "ipv6", address, match.span()


def _hashes(text: str) -> Iterator[Candidate]:
    covered = 0
    for match in _HEX_FROM_DIGIT.finditer(text):
        if match.start() < covered:
            continue
        start, end = match.start(), match.end()
        # The anchor is the run's first digit; its letters before it belong to it too.
        while start > 0 and end - start <= 128 and text[start - 1] in _HEXDIGITS:
            start -= 1
        covered = end
        type_ = _HASH_TYPES.get(end - start)
        if type_ is None or _touches_word(text, start, end):
            continue
        value = text[start:end].lower()
        # A letter too: an all-digit run is a number.
        if not value.isdigit():
            yield start, end, type_, value, (start, end)


def _cves(text: str) -> Iterator[Candidate]:
    if "cve" not in text and "CVE" not in text and "Cve" not in text:
        return
    for match in CVE_RE.finditer(text):
        start, end = match.span()
        if _touches_word(text, start, end) or (start and text[start - 1] in _DASH):
            continue
        value = f"CVE-{match.group(1)}-{match.group(2)}"
        yield start, end, "cve", value, match.span()
