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
from collections.abc import Iterable, Iterator

from articles.enrichment.defang import AT, DOT, PORT_COLON, SCHEME, SCHEME_SEP, refang
from articles.enrichment.domains import is_hostname, is_tld, looks_like_filename
from articles.enrichment.types import Document, IndicatorFinding
from articles.enrichment.warninglists import WarningListIndex, default_index

_I = re.IGNORECASE

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
# A whole dotted chain, taken possessively: it either matches to its end or not
# at all, and is validated in Python. Look-aheads or a TLD group at the end
# would make the engine retry the chain from every later label: quadratic time
# on hostile input such as "a[.]" * 30000.
_CHAIN = rf"{_LABEL}(?:{DOT}{_LABEL})++"
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_DASH = "-\u2010\u2011\u2012\u2013\u2014"  # CVE IDs pasted from Word use en dashes
# Path characters of a URL in prose; quotes, brackets of markup and spaces end it.
_URL_TAIL = "[^\\s<>\"'`\u201c\u201d\u2018\u2019]"

URL_RE = re.compile(
    rf"(?<![\w])(?P<scheme>{SCHEME}){SCHEME_SEP}"
    rf"(?P<host>{_LABEL}(?:{DOT}{_LABEL})*|\[[0-9a-f:.]{{2,45}}\])"
    rf"(?:{PORT_COLON}\d{{1,5}})?"
    rf"(?P<rest>[/?#]{_URL_TAIL}*+)?",
    _I,
)
EMAIL_RE = re.compile(
    rf"(?<![\w.%+\-\]])[a-z0-9_%+\-]++(?:(?:\.|\[\.\])[a-z0-9_%+\-]++)*+{AT}(?P<host>{_CHAIN})",
    _I,
)
IPV6_RE = re.compile(
    r"(?<![\w:.\]])[0-9a-f]{0,4}(?:(?::|\[:\])[0-9a-f]{0,4}){2,7}"
    r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)",
    _I,
)
IPV4_RE = re.compile(rf"(?<![\w.])(?:{_OCTET}{DOT}){{3}}{_OCTET}(?!\w|{DOT}\d)", _I)
DOMAIN_RE = re.compile(rf"(?<![\w.\-\\/])(?P<host>{_CHAIN})", _I)
HASH_RE = re.compile(r"(?<!\w)[0-9a-f]{32,}+(?!\w)", _I)
CVE_RE = re.compile(rf"(?<![\w-])CVE[{_DASH}](\d{{4}})[{_DASH}](\d{{4,}}+)(?!\w)", _I)

_AT_HINT = re.compile(r"@|[\[({] ?(?:@|at) ?[\])}]", _I)
_VERSION_BEFORE = re.compile(r"\b(?:version|ver\.?|build|release|firmware|v)\s?$", _I)
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_TRAILING_PUNCTUATION = ".,;:!?'\"*"

# Network types in overlap precedence: an earlier type hides later ones inside it.
_NETWORK_ORDER = ("url", "email", "ipv6", "ipv4", "domain")

Span = tuple[int, int]


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
        network = {
            "url": list(_urls(text)),
            "email": list(_emails(text)) if _AT_HINT.search(text) else [],
            "ipv6": list(_ipv6s(text)) if ":" in text else [],
            "ipv4": list(_ipv4s(text)),
            "domain": list(_domains(text)),
        }
        accepted: list[tuple[int, int, str, str, Span]] = []
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

        findings = [self._finding(text, start, end, type_, value) for start, end, type_, value, _ in accepted]
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


Candidate = tuple[int, int, str, str, Span]  # start, end, type, value, host span


def _overlaps_any(span: Span, sorted_spans: list[Span]) -> bool:
    """Does ``span`` overlap one of ``sorted_spans`` (sorted, non-overlapping)?"""
    i = bisect.bisect_left(sorted_spans, (span[1],))
    return i > 0 and sorted_spans[i - 1][1] > span[0]


def _urls(text: str) -> Iterator[Candidate]:
    for match in URL_RE.finditer(text):
        start, end = match.span()
        if match.group("rest"):
            end = _trim_url_end(text, start, match.start("rest"), end)
        host = _normalize_host(refang(match.group("host")))
        if host is None:
            continue
        value = _normalize_url(refang(text[start:end]), match.group("scheme"))
        yield start, end, "url", value, match.span("host")


def _trim_url_end(text: str, start: int, rest_start: int, end: int) -> int:
    """Drop sentence punctuation and unbalanced closing brackets after a URL."""
    while end > rest_start:
        last = text[end - 1]
        if last in _TRAILING_PUNCTUATION:
            end -= 1
        elif last in _CLOSERS:
            url = text[start:end]
            if url.count(last) <= url.count(_CLOSERS[last]):
                break
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


def _emails(text: str) -> Iterator[Candidate]:
    for match in EMAIL_RE.finditer(text):
        value = refang(match.group()).lower()
        local, _, domain = value.rpartition("@")
        if local and is_hostname(domain):
            yield match.start(), match.end(), "email", value, match.span()


def _ipv6(candidate: str) -> str | None:
    """Compressed form; IPv4-mapped addresses keep their dotted tail (as Python 3.13 does)."""
    try:
        address = ipaddress.IPv6Address(candidate)
    except ValueError:
        return None
    if address.ipv4_mapped:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed


def _ipv6s(text: str) -> Iterator[Candidate]:
    for match in IPV6_RE.finditer(text):
        raw = refang(match.group())
        groups = [g for g in raw.split(":") if g]
        if len(groups) < 2 or not any(c.isdigit() for c in raw):
            continue
        address = _ipv6(raw)
        if address:
            yield match.start(), match.end(), "ipv6", address, match.span()


def _is_ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and int(p) <= 255 and (p == "0" or not p.startswith("0")) for p in parts
    )


def _ipv4s(text: str) -> Iterator[Candidate]:
    for match in IPV4_RE.finditer(text):
        matched = match.group()
        value = refang(matched)
        if value == matched and _VERSION_BEFORE.search(text, max(0, match.start() - 10), match.start()):
            continue  # "version 1.2.3.4": a plain dotted number right after a version word
        yield match.start(), match.end(), "ipv4", value, match.span()


def _domains(text: str) -> Iterator[Candidate]:
    for match in DOMAIN_RE.finditer(text):
        matched = match.group()
        value = refang(matched)
        defanged = value != matched
        labels = value.split(".")
        tld = labels[-1]
        if not is_tld(tld) or looks_like_filename(labels, defanged):
            continue
        if not defanged and tld[0].isupper() and not tld.isupper():
            continue  # "ended.It was": a missing space, not a domain
        if is_hostname(value.lower()):
            yield match.start(), match.end(), "domain", value.lower(), match.span()


def _hashes(text: str) -> Iterator[Candidate]:
    for match in HASH_RE.finditer(text):
        value = match.group().lower()
        type_ = _HASH_TYPES.get(len(value))
        if type_ and not value.isdigit() and any(c.isdigit() for c in value):
            yield match.start(), match.end(), type_, value, match.span()


def _cves(text: str) -> Iterable[Candidate]:
    for match in CVE_RE.finditer(text):
        value = f"CVE-{match.group(1)}-{match.group(2)}"
        yield match.start(), match.end(), "cve", value, match.span()
