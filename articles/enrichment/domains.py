"""Is this dotted word a domain? Top-level domains from the Public Suffix List,
plus the normalized forms of hosts, IP addresses and URLs.

The list ships inside the ``publicsuffixlist`` package (``PublicSuffixList()``
with no source reads the bundled file; it never fetches), so ``readme.txt``,
``config.json`` and ``index.html`` are rejected because ``txt``, ``json`` and
``html`` are not top-level domains.

Some real TLDs are also everyday file extensions (``.py``, ``.sh``, ``.zip``,
``.mov``, ``.md``...). The rule, applied by :func:`looks_like_filename`: a
*bare* two-label name whose TLD is one of :data:`FILE_EXTENSION_TLDS` is a
filename (``setup.py``, ``invoice.zip``) unless it was defanged or appears
inside a URL or an e-mail address — an analyst who writes ``evil[.]zip`` or
``http://evil.zip/`` means a host. Three or more labels (``cdn.evil.zip``) read
as a host too: file names rarely carry two dots before a TLD-like extension.
"""

from __future__ import annotations

import functools
import ipaddress

from publicsuffixlist import PublicSuffixList

# Real TLDs that read as file extensions far more often than as hosts in prose.
# Deliberately short: .pl, .cc, .io, .ai, .app and .do stay hosts (CERT Polska is
# cert.pl; malware favours .cc), even though they are also extensions.
FILE_EXTENSION_TLDS = frozenset({"py", "sh", "zip", "mov", "md", "rs", "so", "ps", "one", "cab", "java"})


@functools.cache
def public_suffix_list() -> PublicSuffixList:
    """The bundled Public Suffix List, parsed once per process (~0.15 s)."""
    # accept_unknown=False: an unlisted last label is *not* a suffix, which is
    # exactly what rejects "readme.txt".
    psl = PublicSuffixList(accept_unknown=False)
    _icann_suffix_list()  # parsed now too, not in the middle of the first text that needs it
    return psl


@functools.lru_cache(maxsize=4096)
def is_tld(label: str) -> bool:
    """True when ``label`` (any case, ASCII or punycode) is a top-level domain."""
    label = label.lower()
    return "." not in label and public_suffix_list().is_public(label)


@functools.cache
def _icann_suffix_list() -> PublicSuffixList:
    """The list's ICANN section alone: the suffixes registries sell under ("co.uk")."""
    return PublicSuffixList(accept_unknown=False, only_icann=True)


@functools.lru_cache(maxsize=4096)
def is_icann_suffix(name: str) -> bool:
    """True when ``name`` is a suffix a registry sells under ("com", "co.uk"), not a host.

    Private suffixes ("duckdns.org", "github.io") are hosts someone runs: an analyst who
    lists ".duckdns.org" means that service."""
    return _icann_suffix_list().is_public(name.lower())


@functools.lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The part of ``host`` a single owner controls (``a.b.example.co.uk`` -> ``example.co.uk``).

    Uses the private section of the list too, so ``x.github.io`` and
    ``x.duckdns.org`` are their own registrable domains: everything above the
    public suffix belongs to whoever signed up, not to the platform.
    """
    return public_suffix_list().privatesuffix(host.lower())


def looks_like_filename(labels: list[str], defanged: bool) -> bool:
    """The filename rule from the module docstring, for a bare dotted name."""
    return not defanged and len(labels) == 2 and labels[-1].lower() in FILE_EXTENSION_TLDS


def is_hostname(host: str) -> bool:
    """A plausible DNS name with a real TLD: two or more labels of 1-63 characters,
    none starting or ending with a hyphen."""
    labels = host.split(".")
    if len(labels) < 2 or len(host) > 253:
        return False
    if any(not label or len(label) > 63 or label[0] == "-" or label[-1] == "-" for label in labels):
        return False
    return is_tld(labels[-1])


# --- Normalized forms of hosts and URLs (used by the extractor) -----------


def normalize_host(host: str) -> str | None:
    """Lower-case host or compressed IPv6 literal; None when it is not a real host."""
    if host.startswith("["):
        address = compress_ipv6(host[1:-1])
        return f"[{address}]" if address else None
    host = host.lower()
    if host.replace(".", "").isdigit():
        return host if is_ipv4(host) else None
    return host if is_hostname(host) else None


def normalize_url(url: str, raw_scheme: str) -> str:
    """Scheme and host lower-cased (hxxp -> http), port, path and query kept as written."""
    scheme = raw_scheme.lower()
    if scheme[0] in "hf":  # http, ftp and their defanged spellings; other schemes are plain
        scheme = ("http" if scheme[0] == "h" else "ftp") + ("s" if scheme[-1] == "s" else "")
    rest = url.partition("://")[2]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    # "user:password@" is kept as written: only the host is case-insensitive.
    userinfo, at, authority = authority.rpartition("@")
    if authority.startswith("["):
        literal, _, port = authority[1:].partition("]")
        authority = f"[{compress_ipv6(literal) or literal.lower()}]{port}"
    return f"{scheme}://{userinfo}{at}{authority.lower()}{tail}"


def is_ipv4(value: str) -> bool:
    """Dotted quad, octets 0-255, no leading zeros (``010`` may mean octal)."""
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and int(p) <= 255 and (p == "0" or not p.startswith("0")) for p in parts
    )


@functools.lru_cache(maxsize=4096)
def compress_ipv6(candidate: str) -> str | None:
    """Compressed IPv6 (``2001:db8::1``), None if invalid. IPv4-mapped addresses
    keep their dotted tail, as Python 3.13 prints them."""
    try:
        address = ipaddress.IPv6Address(candidate)
    except ValueError:
        return None
    if address.ipv4_mapped:
        return f"::ffff:{address.ipv4_mapped}"
    return address.compressed
