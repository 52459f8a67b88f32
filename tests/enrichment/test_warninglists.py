"""MISP warning lists: which lists mean known-benign, and how values are looked up.

Values come from the lists shipped in pymispwarninglists 1.7.0.
"""

from __future__ import annotations

import time

import pytest

from articles.enrichment.indicators import IndicatorExtractor
from articles.enrichment.types import Document
from articles.enrichment.warninglists import (
    NOT_LOADED,
    WarningListIndex,
    classify,
    default_index,
    indicator_types_for,
)

AWS_IP = "3.5.140.2"  # amazon-aws lists 3.5.140.0/22


@pytest.fixture(scope="module")
def index() -> WarningListIndex:
    return default_index()


@pytest.mark.parametrize(
    ("type_", "value", "list_name"),
    [
        ("ipv4", "8.8.8.8", "List of known IPv4 public DNS resolvers"),
        ("ipv4", "192.0.2.1", "List of RFC 5735 CIDR blocks"),
        ("ipv4", "198.51.100.7", "List of RFC 5735 CIDR blocks"),
        ("ipv4", "10.1.2.3", "List of RFC 1918 CIDR blocks"),
        ("ipv6", "2001:db8::1", "List of RFC 3849 CIDR blocks"),
        ("domain", "example.com", "List of RFC 6761 Special-Use Domain Names"),
        ("email", "bob@example.com", "List of RFC 6761 Special-Use Domain Names"),
        ("md5", "d41d8cd98f00b204e9800998ecf8427e", "List of known hashes for empty files"),
        (
            "sha256",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "List of known hashes for empty files",
        ),
        ("domain", "google.com", "List of known google domains"),
        ("url", "https://www.microsoft.com/security/blog/", "Top 1000 websites from Cisco Umbrella"),
    ],
)
def test_known_benign_values_name_their_list(
    index: WarningListIndex, type_: str, value: str, list_name: str
) -> None:
    assert index.benign_name(type_, value) == list_name


def test_aws_ip_is_listed_as_shared_infrastructure_but_not_benign(index: WarningListIndex) -> None:
    assert "amazon-aws" in [info.slug for info in index.hits("ipv4", AWS_IP)]
    assert index.benign_name("ipv4", AWS_IP) is None


def test_public_dns_wins_over_the_vpn_range_around_it(index: WarningListIndex) -> None:
    assert [info.slug for info in index.hits("ipv4", "8.8.8.8")] == ["public-dns-v4", "vpn-ipv4"]
    assert index.benign_name("ipv4", "8.8.8.8") == "List of known IPv4 public DNS resolvers"


def test_a_platform_listing_does_not_vouch_for_user_subdomains(index: WarningListIndex) -> None:
    assert "dynamic-dns" in [info.slug for info in index.hits("domain", "evil.duckdns.org")]
    assert index.benign_name("domain", "evil.duckdns.org") is None
    assert index.benign_name("domain", "evil.github.io") is None
    assert index.benign_name("domain", "evil.hopto.org") is None


def test_a_top_site_is_benign_but_a_url_on_its_shared_platform_is_not(
    index: WarningListIndex,
) -> None:
    assert index.benign_name("domain", "github.com") == (
        "Top 500 domains and pages from https://moz.com/top500"
    )
    assert index.benign_name("url", "https://github.com/evil/payload/raw/x.exe") is None
    assert index.benign_name("url", "https://bit.ly/abc") is None


def test_a_subdomain_its_owner_controls_inherits_the_top_site_listing(
    index: WarningListIndex,
) -> None:
    assert index.benign_name("domain", "www.example.com") == "Top 10K most-used sites from Tranco"


def test_an_address_at_a_top_site_domain_says_nothing_about_the_sender(
    index: WarningListIndex,
) -> None:
    assert index.benign_name("email", "attacker@gmail.com") is None


def test_unknown_values_are_not_benign(index: WarningListIndex) -> None:
    assert index.benign_name("domain", "evil-unlisted-domain.xyz") is None
    assert index.hits("ipv4", "91.92.240.17") == []
    assert index.benign_name("ipv4", "185.220.101.4") is None  # a Tor exit in vpn-ipv4
    assert index.benign_name("md5", "9e107d9d372bb6826bd81d3542a419d6") is None


def test_value_is_checked_only_against_lists_for_its_type(index: WarningListIndex) -> None:
    # rfc5735 is an IP list: the same text as a domain-shaped value is never looked up there.
    assert index.hits("domain", "192.0.2.1") == []
    assert index.hits("cve", "CVE-2021-44228") == []


@pytest.mark.parametrize(
    "slug",
    [
        "alexa",
        "cisco_top1000",
        "tranco10k",
        "majestic_million",
        "rfc1918",
        "rfc5735",
        "rfc3849",
        "rfc6761",
        "public-dns-v4",
        "public-dns-hostname",
        "empty-hashes",
        "nioc-filehash",
    ],
)
def test_known_benign_lists_are_classified_benign(index: WarningListIndex, slug: str) -> None:
    assert index.lists[slug].benign, index.lists[slug].reason


@pytest.mark.parametrize(
    "slug",
    [
        "amazon-aws",
        "google-gcp",
        "microsoft-azure",
        "cloudflare",
        "akamai",
        "fastly",
        "vpn-ipv4",
        "vpn-ipv6",
        "sinkholes",
        "dynamic-dns",
        "lots-project",
        "url-shortener",
        "public-ipfs-gateways",
        "shodan-scanning",
        "ovh-cluster",
        "digitalside",
    ],
)
def test_shared_infrastructure_lists_are_not_benign(index: WarningListIndex, slug: str) -> None:
    assert not index.lists[slug].benign, index.lists[slug].reason


def test_million_site_lists_are_not_loaded(index: WarningListIndex) -> None:
    assert {"tranco", "google-chrome-crux-1million"} == NOT_LOADED
    assert not NOT_LOADED & set(index.lists)


def test_misp_category_overrides_the_words_of_a_list() -> None:
    top = {"name": "Top 1000 websites", "description": "most used"}
    assert classify("x", top) == (True, "known benign (top)")
    assert classify("x", {**top, "category": "known"}) == (False, "category known")
    cloud = {"name": "Cloud IP ranges", "description": "", "category": "false-positive"}
    assert classify("x", cloud) == (True, "category false-positive")


def test_matching_attributes_map_to_indicator_types() -> None:
    assert indicator_types_for(["ip-src", "ip-dst"]) == {"ipv4", "ipv6"}
    assert indicator_types_for(["hostname", "url"]) == {"domain", "url"}
    assert indicator_types_for(["md5", "filename|sha256"]) == {"md5", "sha256"}
    assert indicator_types_for(["email-dst"]) == {"email"}


def test_index_is_built_once_per_process() -> None:
    assert default_index() is default_index()


def test_a_thousand_distinct_lookups_take_well_under_a_second(index: WarningListIndex) -> None:
    started = time.perf_counter()
    for i in range(250):
        index.benign_name("ipv4", f"45.{i}.12.7")
        index.benign_name("domain", f"host{i}.example-unlisted.net")
        index.benign_name("url", f"https://cdn{i}.example-unlisted.net/a")
        index.benign_name("md5", f"{i:032x}")
    assert time.perf_counter() - started < 1.0


def test_extractor_keeps_benign_findings_and_labels_them() -> None:
    extractor = IndicatorExtractor()
    text = f"Resolver 8.8.8.8 and C2 {AWS_IP} and hxxp://evil-unlisted[.]xyz/a"
    got = [(f.type, f.value, f.benign) for f in extractor.run(Document(text))]
    assert got == [
        ("ipv4", "8.8.8.8", "List of known IPv4 public DNS resolvers"),
        ("ipv4", AWS_IP, None),
        ("url", "http://evil-unlisted.xyz/a", None),
        ("domain", "evil-unlisted.xyz", None),  # the URL's host, derived from it
    ]


def _plain_ip_slugs(index: WarningListIndex, value: str) -> list[str]:
    """Every list naming ``value``'s networks, longest prefix first, parsed by ``ipaddress``."""
    import ipaddress

    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return []
    found: list[str] = []
    prefixes = sorted((p for v, p in index._networks if v == address.version), reverse=True)
    for prefixlen in prefixes:
        table = index._networks[(address.version, prefixlen)]
        key = int(address) >> (address.max_prefixlen - prefixlen)
        listed = table.get(key, ())
        for slug in (listed,) if isinstance(listed, str) else listed:
            if slug not in found:
                found.append(slug)
    return found


def test_address_lookup_equals_the_plain_definition(index: WarningListIndex) -> None:
    """``_ip_slugs`` parses dotted quads itself and walks prebuilt tables (a blocklist paste
    of 70,000 addresses, 2.7 s -> 1.6 s a megabyte): the same lists, in the same order."""
    import random

    rng = random.Random(5)
    listed = ["8.8.8.8", "1.1.1.1", "9.9.9.9", "52.95.110.1", "13.107.42.14"]
    octets = ["0", "00", "01", "1", "10", "127", "192", "255", "256", "999", "٣", ""]
    values = [*listed, "::1", "2001:4860:4860::8888", "fe80::1%eth0", "1.2.3", "1.2.3.4.5", "::ffff:8.8.8.8"]
    for _ in range(20_000):
        if rng.random() < 0.3:
            values.append(".".join(rng.choice(octets) for _ in range(4)))
        else:
            values.append(".".join(str(rng.randrange(256)) for _ in range(4)))
    for value in values:
        assert index._ip_slugs(value) == _plain_ip_slugs(index, value), value
    assert any(index._ip_slugs(value) for value in listed)


def test_dotted_quads_parse_as_ipaddress_parses_them() -> None:
    import ipaddress
    import random

    from articles.enrichment.warninglists import _ipv4_number

    rng = random.Random(7)
    pieces = ["0", "1", "00", "01", "255", "256", "999", "1000", "12", "٣", "", " ", "+1", "-1", "0x1", "a"]
    for _ in range(50_000):
        value = ".".join(
            rng.choice(pieces) if rng.random() < 0.5 else str(rng.randrange(300))
            for _ in range(rng.choice([3, 4, 4, 4, 5]))
        )
        try:
            address = ipaddress.ip_address(value)
            expected = int(address) if address.version == 4 else None
        except ValueError:
            expected = None
        assert _ipv4_number(value) == expected, value
