"""The private-address guard of outbound HTTP: which addresses :func:`~articles.ingest.http.fetch`
may connect to.

A host name is resolved once here; an address that is not globally routable (loopback,
private, link-local, shared, multicast, reserved, ... and the IPv6 forms that embed
such an IPv4 address) is refused unless an admin allowed its network. ``http.py``
then connects to the checked addresses themselves, never to the name.

Kept apart from the protocol code so the security rule can be read and reviewed on
its own, and used by settings validation (:func:`parse_networks`) without the rest.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Address = tuple[int, tuple]  # (address family, sockaddr) exactly as getaddrinfo gave it

_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")
_NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """A host that may not be contacted; ``kind`` is ``"dns"`` or ``"blocked-address"``.

    ``str(error)`` is for an admin; :func:`~articles.ingest.http.fetch` reports it as a
    ``FetchError`` of the same kind and message.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def parse_networks(cidrs: Sequence[str]) -> tuple[IPNetwork, ...]:
    """Parse allow-listed networks such as ``"10.20.0.0/16"``; ValueError names the bad one.

    Exposed so settings validation can reject a typo at start-up rather than at the
    first poll.
    """
    return _parse_networks(tuple(cidrs))


@lru_cache(maxsize=32)
def _parse_networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    networks = []
    for cidr in cidrs:
        try:
            networks.append(ipaddress.ip_network(cidr.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(
                f"{cidr!r} in the allowed fetch networks is not a network in CIDR form "
                f"such as '10.20.0.0/16' or 'fd00::/8' ({exc})"
            ) from None
    return tuple(networks)


def blocked_reason(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched by default, or None when it is public."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        reason = blocked_reason(embedded)
        return f"an IPv6 form of {embedded}, which is {reason}" if reason else None
    checks = (
        ("is_unspecified", "the unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_reserved", "a reserved address"),
        ("is_private", "a private-network address"),
    )
    for attribute, reason in checks:
        if getattr(address, attribute):
            return reason
    if address.version == 4 and address in _SHARED_ADDRESS_SPACE:
        return "a carrier-grade NAT (shared) address"
    if not address.is_global:
        return "not a globally routable address"
    return None


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv4-mapped, 6to4, Teredo or NAT64 IPv6 address."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_allowed(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    candidates = [address]
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        candidates.append(embedded)
    return any(c.version == n.version and c in n for c in candidates for n in networks)


def resolve(host: str, port: int, networks: tuple[IPNetwork, ...], url: str) -> list[Address]:
    """Addresses of ``host`` that may be contacted, in resolver order.

    ``url`` is only quoted in messages. Raises :class:`AddressRefused` when the name
    does not resolve or every address it resolves to is blocked.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise AddressRefused(
            "dns",
            f"The host name {host} (in {url}) could not be resolved ({exc}); "
            "check the spelling, or whether the site still exists.",
        ) from None
    usable: list[Address] = []
    refused: list[tuple[str, str]] = []
    for family, _, _, _, sockaddr in infos:
        literal = str(sockaddr[0]).split("%", 1)[0]
        address = ipaddress.ip_address(literal)
        reason = blocked_reason(address)
        if reason is not None and not _is_allowed(address, networks):
            refused.append((literal, reason))
        elif (family, sockaddr) not in usable:
            usable.append((family, sockaddr))
    if usable:
        return usable
    literal, reason = refused[0]
    raise AddressRefused(
        "blocked-address",
        f"Refused to fetch {url}: {host} resolves to {literal}, which is {reason}. "
        "Requests to internal addresses are blocked to protect the portal's own network. "
        "If this source really lives on an internal network, an administrator can add that "
        "network to FETCH_ALLOW_NETWORKS.",
    )
