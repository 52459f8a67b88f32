"""MISP warning lists as a fast, offline "is this known-benign?" lookup.

The data ships inside ``pymispwarninglists`` (``data/misp-warninglists/lists``);
nothing is fetched. We read those JSON files ourselves instead of calling
``WarningLists.search()``: in pymispwarninglists 1.7.0 the default search is an
exact set lookup (so CIDR ranges and parent domains never match), and
``slow_search=True`` scans every entry of all 119 lists per value (15 s to load,
627 MB, 90-340 ms per value). Here each list becomes a few hash tables: a CIDR
lookup is ~40 dict probes, a hostname lookup one probe per label, a hash one
probe. Results are cached per (type, value). Measured on this project's
machine: the index builds in 0.6-1.0 s and keeps ~55 MB (tracemalloc; peak
~100 MB while parsing), once per process via :func:`default_index`; an
uncached lookup takes 2-25 us.

Which lists count as **benign** (the rule; see :func:`classify`):

1. Lists in :data:`NOT_LOADED` are skipped entirely: the Tranco and Chrome-CrUX
   million-site lists contain throw-away and malicious domains, so they are too
   weak to call anything benign, and they are 47 MB of the 65 MB of data.
2. Lists in :data:`DENY` are never benign whatever their text says (e.g.
   ``digitalside`` calls itself a false-positive list but names file-hosting
   services where payloads live).
3. If a list carries MISP's ``category`` (upstream lists may; the shipped 1.7.0
   data does not), ``false-positive`` means benign and ``known`` means not.
4. Otherwise its ``name`` + ``description`` decide: any shared-infrastructure
   word (cloud, data-center, CDN, VPN, scanner, sinkhole, dynamic DNS, parking,
   URL shortener, hosting of user content, "IP ranges"...) -> not benign; else
   any known-benign word (top sites, RFC special-purpose blocks, public DNS
   resolvers, empty/benign/false-positive hashes, trusted CA fingerprints,
   TLDs, known vendor/bank/university domains) -> benign; else not benign.

How a value is checked (only against lists whose ``matching_attributes`` fit
its indicator type):

- IPs: CIDR lists. A benign hit wins over shared ranges around it (8.8.8.8 is
  in both ``public-dns-v4`` and the data-center heavy ``vpn-ipv4``).
- Domains and URL hosts: ``string`` entries match exactly (a leading dot means
  "and subdomains"), ``hostname`` entries match the host and its parents. A
  parent above the registrable domain (a public suffix such as ``github.io`` or
  ``duckdns.org``) is reported as a hit but never makes a value benign: the
  platform's listing does not vouch for its users. For a bare domain, a
  shared-infrastructure hit leaves only *exact* benign listings standing
  (``github.com`` stays benign, ``evil.hopto.org`` under a top-listed
  ``hopto.org`` does not). For a URL any shared hit on its host vetoes: a
  path on github.com or bit.ly is content someone uploaded.
- E-mail addresses: only placeholders count — an address whose domain is on a
  special-use list (``example.com``, RFC 6761). A top-site domain (gmail.com)
  says nothing about the sender.
- Hashes: exact, lower-case.
``substring`` and ``regex`` lists are not indexed: none of them means benign.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import socket
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pymispwarninglists

from articles.enrichment.domains import registrable_domain

LISTS_DIR = Path(pymispwarninglists.__file__).parent / "data" / "misp-warninglists" / "lists"

# A table value: one list slug, or a tuple of them when several lists share an entry.
Slugs = str | tuple[str, ...]

NOT_LOADED = frozenset({"tranco", "google-chrome-crux-1million"})
DENY = frozenset(
    {
        "digitalside",  # file-hosting services (archive.org, backblaze, bitbucket...)
        "second-level-tlds",  # mixes in private suffixes such as *.platform.salesforce.com
    }
)

_SHARED_WORDS = (
    "ip range",
    "ip address range",
    "ip-range",
    "cloud",
    "datacenter",
    "data center",
    "cdn",
    "vpn",
    "scanning",
    "scanner",
    "sinkhole",
    "dynamic dns",
    "parking",
    "shortener",
    "ipfs",
    "link in bio",
    "living off",
    "disposable",
    "sending",
    "receiving",
    "blockpage",
    "captive",
    "malware analysis",
    "attack simulator",
    "crawler",
    "external ip",
    "source ip",
    "phone",
    "contact e-mail",
    "cluster",
)
_BENIGN_WORDS = (
    "top ",
    "most used",
    "most-used",
    "rfc",
    "special-use",
    "special use",
    "link local",
    "multicast",
    "public dns",
    "empty file",
    "benign",
    "false-positive",
    "false positive",
    "trusted ca",
    "certificate",
    "eicar",
    "tlds",
    "known google domains",
    "known microsoft domains",
    "office 365 urls",
    "windows 10 connection",
    "bank domains",
    "university domains",
    "dax30",
    "security providers",
    "whitelist",
    "valid covid",
)

_IP_ATTRS = frozenset({"ip-src", "ip-dst", "domain|ip", "ip-src|port", "ip-dst|port"})
_HOST_ATTRS = frozenset({"domain", "hostname", "domain|ip", "hostname|port"})
_HASH_TYPES = ("md5", "sha1", "sha256", "sha512")


@dataclass(frozen=True, slots=True)
class WarningListInfo:
    slug: str  # the folder name, stable across list versions
    name: str
    description: str
    type: str  # MISP list type: cidr, hostname, string, substring, regex
    indicator_types: frozenset[str]
    benign: bool
    reason: str  # why ``benign`` is what it is, for the docs and the analyst
    size: int

    @property
    def special_use(self) -> bool:
        """A list of reserved placeholder names (RFC 6761: example.com, .test...)."""
        return "special-use" in f"{self.name} {self.description}".lower()


def indicator_types_for(matching_attributes: Iterable[str]) -> frozenset[str]:
    """Our indicator types that a list's MISP ``matching_attributes`` cover."""
    attrs = set(matching_attributes)
    types: set[str] = set()
    if attrs & _IP_ATTRS:
        types |= {"ipv4", "ipv6"}
    if attrs & _HOST_ATTRS:
        types.add("domain")
    if "url" in attrs:
        types.add("url")
    if any(a.startswith("email") or a.endswith("-email") for a in attrs):
        types.add("email")
    for hash_type in _HASH_TYPES:
        if hash_type in attrs or f"filename|{hash_type}" in attrs:
            types.add(hash_type)
    return frozenset(types)


def classify(slug: str, meta: dict) -> tuple[bool, str]:
    """(benign?, reason) for one list, by the rule in the module docstring."""
    if slug in DENY:
        return False, "deny-list"
    category = meta.get("category")
    if category:
        return category == "false-positive", f"category {category}"
    text = f"{meta.get('name', '')} {meta.get('description', '')}".lower()
    shared = next((w for w in _SHARED_WORDS if w in text), None)
    if shared:
        return False, f"shared infrastructure ({shared.strip()})"
    benign = next((w for w in _BENIGN_WORDS if w in text), None)
    if benign:
        return True, f"known benign ({benign.strip()})"
    return False, "no benign signal"


def _network_key(entry: str) -> tuple[int, int, int] | None:
    """(version, prefix length, network number) for a CIDR entry, None if malformed.

    ``inet_pton`` instead of ``ipaddress.ip_network``: 120k entries load in
    0.1 s instead of 2.9 s. Host bits are dropped, as ``strict=False`` would.
    """
    address, _, length = entry.partition("/")
    family, version, bits = (socket.AF_INET6, 6, 128) if ":" in address else (socket.AF_INET, 4, 32)
    try:
        number = int.from_bytes(socket.inet_pton(family, address), "big")
        prefixlen = int(length) if length else bits
    except (OSError, ValueError):
        return None
    if not 0 <= prefixlen <= bits:
        return None
    return version, prefixlen, number >> (bits - prefixlen)


class WarningListIndex:
    """All loaded lists, indexed by value shape. Build once per process."""

    def __init__(self, lists_dir: Path = LISTS_DIR, skip: frozenset[str] = NOT_LOADED) -> None:
        started = time.perf_counter()
        self.lists: dict[str, WarningListInfo] = {}
        # (version, prefixlen) -> {network number (host bits dropped): slugs}.
        # Values are one slug, or a tuple when several lists share an entry:
        # with ~480k entries a list object per entry would cost ~30 MB.
        self._networks: dict[tuple[int, int], dict[int, Slugs]] = defaultdict(dict)
        self._host_exact: dict[str, Slugs] = {}
        self._host_suffix: dict[str, Slugs] = {}
        self._hashes: dict[str, Slugs] = {}

        loaded = []
        for path in sorted(lists_dir.glob("*/list.json")):
            if path.parent.name in skip:
                continue
            with path.open(encoding="utf-8") as handle:
                loaded.append((path.parent.name, json.load(handle)))
        # Smallest lists first: when several lists match, the most specific one
        # (rfc6761 before a top-10k list) names the finding.
        loaded.sort(key=lambda item: (len(item[1]["list"]), item[0]))
        for slug, meta in loaded:
            self._add(slug, meta)
        # Per version, longest prefix first: (bits to shift the address right, its table).
        self._ip_tables = {
            version: [
                (bits - prefixlen, self._networks[(version, prefixlen)])
                for prefixlen in sorted((p for v, p in self._networks if v == version), reverse=True)
            ]
            for version, bits in ((4, 32), (6, 128))
        }
        self.load_seconds = time.perf_counter() - started
        # Per-instance cache: article text repeats the same values a lot.
        self._cached_benign_name = functools.lru_cache(maxsize=65536)(self._benign_name)

    def _add(self, slug: str, meta: dict) -> None:
        benign, reason = classify(slug, meta)
        entries = [str(e).strip().lower() for e in meta["list"] if str(e).strip()]
        info = WarningListInfo(
            slug=slug,
            name=meta["name"],
            description=meta.get("description", ""),
            type=meta["type"],
            indicator_types=indicator_types_for(meta.get("matching_attributes", ())),
            benign=benign,
            reason=reason,
            size=len(entries),
        )
        self.lists[slug] = info
        if info.type == "cidr":
            for entry in entries:
                parsed = _network_key(entry)
                if parsed:
                    version, prefixlen, key = parsed
                    _add_slug(self._networks[(version, prefixlen)], key, slug)
        elif info.type in ("string", "hostname"):
            hashes = info.indicator_types & set(_HASH_TYPES)
            for entry in entries:
                if hashes:
                    _add_slug(self._hashes, entry, slug)
                elif info.type == "hostname" or entry.startswith("."):
                    _add_slug(self._host_suffix, entry.strip("."), slug)
                else:
                    _add_slug(self._host_exact, entry.rstrip("."), slug)

    def hits(self, type_: str, value: str) -> list[WarningListInfo]:
        """Every loaded list (benign or not) that lists ``value`` for this type."""
        return [self.lists[slug] for slug, _how in self._hit_slugs(type_, value)]

    def _hit_slugs(self, type_: str, value: str) -> list[tuple[str, str]]:
        """(slug, how) pairs; ``how`` is "exact", "parent" or "platform" (see _host_slugs)."""
        if type_ == "url":
            host = urlsplit(value).hostname or ""
            if _is_ip(host):
                return self._hit_slugs("ipv6" if ":" in host else "ipv4", host)
            found = self._host_slugs(host)
        elif type_ == "email":
            # Placeholders only: see the module docstring.
            domain = value.rpartition("@")[2]
            return [(s, how) for s, how in self._host_slugs(domain) if self.lists[s].special_use]
        elif type_ in ("ipv4", "ipv6"):
            found = [(s, "exact") for s in self._ip_slugs(value)]
        elif type_ == "domain":
            found = self._host_slugs(value)
        else:
            found = [(s, "exact") for s in _slugs(self._hashes, value.lower())]
        return [(s, how) for s, how in found if type_ in self.lists[s].indicator_types]

    def _ip_slugs(self, value: str) -> list[str]:
        number = _ipv4_number(value)
        version = 4
        if number is None:
            try:
                address = ipaddress.ip_address(value)
            except ValueError:
                return []
            number, version = int(address), address.version
        found: list[str] = []
        # One dict lookup per prefix length (~26 for IPv4), and nothing more where none
        # lists the address: a pasted blocklist of 70,000 addresses spent 60 % of its
        # extraction here when each lookup built a generator.
        for shift, table in self._ip_tables[version]:
            listed = table.get(number >> shift)
            if listed is None:
                continue
            for slug in (listed,) if isinstance(listed, str) else listed:
                if slug not in found:
                    found.append(slug)
        return found

    def _host_slugs(self, host: str) -> list[tuple[str, str]]:
        """Lists naming ``host`` itself ("exact"), a parent its owner controls
        ("parent"), or a parent above the registrable domain ("platform":
        ``duckdns.org`` for ``evil.duckdns.org``)."""
        host = host.lower().rstrip(".")
        found = [(s, "exact") for s in _slugs(self._host_exact, host)]
        # The host and each parent ("a.b.c", "b.c", "c") with the lists naming it as a suffix.
        suffixes = []
        listed = False
        candidate = host
        while True:
            slugs = _slugs(self._host_suffix, candidate)
            listed = listed or bool(slugs)
            suffixes.append((candidate, slugs))
            dot = candidate.find(".")
            if dot < 0:
                break
            candidate = candidate[dot + 1 :]
        if not listed:
            return found  # most hosts: no need for their registrable domain (a public-suffix lookup)
        seen = {s for s, _ in found}
        owned = registrable_domain(host) or host
        how = "exact"
        for candidate, slugs in suffixes:
            for slug in slugs:
                if slug not in seen:
                    seen.add(slug)
                    found.append((slug, how))
            how = "parent" if how != "platform" and candidate != owned else "platform"
        return found

    def _benign_name(self, type_: str, value: str) -> str | None:
        found = [(self.lists[slug], how) for slug, how in self._hit_slugs(type_, value)]
        # A platform's listing never vouches for its users' subdomains.
        benign = [(info, how) for info, how in found if info.benign and how != "platform"]
        if not benign:
            return None
        shared = any(not info.benign for info, _ in found)
        if shared and type_ == "url" and not _is_ip(urlsplit(value).hostname or ""):
            return None  # content on a shared platform is attacker-controllable
        if shared and type_ == "domain":
            # A top site's own name stays benign (github.com); a subdomain that a
            # shared-infrastructure list also covers does not.
            benign = [(info, how) for info, how in benign if how == "exact"]
        return benign[0][0].name if benign else None

    def benign_name(self, type_: str, value: str) -> str | None:
        """The name of the known-benign warning list for this value, else None."""
        return self._cached_benign_name(type_, value)


def _add_slug(table: dict, key: object, slug: str) -> None:
    existing = table.get(key)
    if existing is None:
        table[key] = slug
    elif isinstance(existing, str):
        if existing != slug:
            table[key] = (existing, slug)
    elif slug not in existing:
        table[key] = (*existing, slug)


def _slugs(table: dict, key: object) -> tuple[str, ...]:
    found = table.get(key)
    if found is None:
        return ()
    return (found,) if isinstance(found, str) else found


def _ipv4_number(value: str) -> int | None:
    """``value`` as a number when it is an IPv4 address as ``ipaddress`` reads one (four
    decimal octets, no leading zeros), else None: cheaper than ``ipaddress``'s parse, which
    a blocklist paste would run for every line."""
    octets = value.split(".")
    if len(octets) != 4:
        return None
    number = 0
    for octet in octets:
        if (
            not (octet.isascii() and octet.isdigit())
            or len(octet) > 3
            or (octet[0] == "0" and len(octet) > 1)
        ):
            return None
        part = int(octet)
        if part > 255:
            return None
        number = number << 8 | part
    return number


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@functools.cache
def default_index() -> WarningListIndex:
    """The shared per-process index (builds in under a second, see the module docstring)."""
    return WarningListIndex()
