"""Is a word typed in the search box an indicator? Pure Python, no Django.

The enrichment's own extractor decides (``articles.enrichment.indicators``), so the box
accepts exactly the forms articles are mined for — defanged (``1.2.3[.]4``,
``hxxps://evil[.]com/x``, ``a[at]b(dot)com``) or not — and returns the value in the form
it is stored in (refanged, lower-case host, compressed IPv6, upper-case CVE). Warning
lists are not consulted: a known-benign value is still one an analyst may look up.
"""

from __future__ import annotations

from functools import cache

from articles.enrichment.indicators import CVE_RE, IndicatorExtractor
from articles.enrichment.types import Document

# Characters a pasted indicator often carries around it ("(1.2.3.4)", "evil.com,").
_WRAPPING = "()[]{}<>,;'`“”‘’"
# No real indicator is longer than this; the extractor is linear, but why scan more.
MAX_INDICATOR_LENGTH = 2000


@cache
def _extractor() -> IndicatorExtractor:
    return IndicatorExtractor(warninglists=False)


def detect_indicator(token: str) -> tuple[str, str] | None:
    """``(type, value)`` when the whole of ``token`` is one indicator, else None."""
    token = token.strip(_WRAPPING).rstrip(".!?:")
    if _could_be_hash(token) and not token.isdigit():
        # The extractor finds hashes from a digit (prose is full of hex-looking words); a
        # whole token of the right length is a hash whatever its first digit.
        return _HASH_TYPES[len(token)], token.lower()
    # Every indicator type has a dot, colon, at sign or dash in it, except hashes.
    plausible = 4 <= len(token) <= MAX_INDICATOR_LENGTH and any(c in token for c in ".:@[(-")
    if not plausible and not _could_be_hash(token):
        return None
    findings = _extractor().run(Document(text=token))
    whole = [f for f in findings if f.start == 0 and f.end == len(token)]
    if len(whole) != 1:
        return None
    return whole[0].type, whole[0].value


_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}


def _could_be_hash(token: str) -> bool:
    return len(token) in (32, 40, 64, 128) and all(c in "0123456789abcdefABCDEF" for c in token)


def normalize_cve(value: str) -> str | None:
    """``CVE-2024-3400`` from ``cve-2024-3400``, ``2024-3400`` or an en-dashed paste."""
    value = value.strip(_WRAPPING).rstrip(".")
    if value[:1].isdigit():
        value = f"CVE-{value}"
    match = CVE_RE.fullmatch(value)
    return f"CVE-{match.group(1)}-{match.group(2)}" if match else None
