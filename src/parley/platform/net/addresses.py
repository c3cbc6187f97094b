"""Which addresses outbound requests may reach.

Every host is turned into IP addresses *before* connecting: literal forms a browser or
`inet_aton` would accept (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`, `[::ffff:127.0.0.1]`)
are decoded here, names are resolved, and each resulting address is judged. The request
then connects to the judged address itself, so DNS cannot answer differently in between.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[IPAddress]]]

# Cloud metadata services: refused even when private addresses are allowed.
METADATA_ADDRESSES = frozenset(
    {
        ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack…
        ipaddress.ip_address("169.254.170.2"),  # AWS ECS task metadata
        ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
        ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    }
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """The destination is not allowed (loopback, private, metadata…)."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def _ipv4_part(text: str) -> int | None:
    """One part of an inet_aton-style IPv4 literal: decimal, 0-prefixed octal or 0x hex."""
    try:
        if text.lower().startswith("0x"):
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def parse_ipv4_literal(host: str) -> ipaddress.IPv4Address | None:
    """The address an inet_aton-style literal names (1 to 4 parts), or None if not one."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    values = [_ipv4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    numbers = [v for v in values if v is not None]
    *head, last = numbers
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for v in head:
        value = value * 256 + v
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def parse_ip_literal(host: str) -> IPAddress | None:
    """An IP address written in the host itself (any IPv4 form, IPv6 with or without [])."""
    text = host.strip().rstrip(".")
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4_literal(text)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, IPv4-compatible, 6to4, Teredo or NAT64 one."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # deprecated ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def refusal_reason(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why `address` may not be contacted, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None:
            return refusal_reason(inner, allow_private=allow_private)
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    if address.is_unspecified:
        return "unspecified address"
    if address.is_multicast:
        return "multicast address"
    if address.is_global:
        return None
    if allow_private and (address.is_private or address.is_loopback or address.is_link_local):
        return None
    if address.is_loopback:
        return "loopback address"
    if address.is_link_local:
        return "link-local address"
    if address.is_private:
        return "private address"
    return "non-public address"


async def system_resolver(host: str, port: int) -> list[IPAddress]:
    """All addresses the system resolver gives for `host` (A and AAAA)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise AddressRefused(host, f"cannot resolve: {error}") from None
    found: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


@dataclass(frozen=True)
class AddressPolicy:
    """What outbound requests may reach.

    `allowed_endpoints` admits exact (address, port) pairs whatever their kind: the test
    seam for local servers, and an operator's escape hatch for one internal service
    without opening all private addresses.
    """

    allow_private: bool = False
    allowed_endpoints: frozenset[tuple[IPAddress, int]] = frozenset()
    resolver: Resolver = field(default=system_resolver)

    def check(self, host: str, address: IPAddress, port: int) -> None:
        if (address, port) in self.allowed_endpoints:
            return
        reason = refusal_reason(address, allow_private=self.allow_private)
        if reason is not None:
            raise AddressRefused(host, reason)

    async def resolve(self, host: str, port: int) -> IPAddress:
        """The address to connect to for `host`; refuses when ANY of its addresses is
        refused (a name that also points inside is not trusted with its other answers)."""
        literal = parse_ip_literal(host)
        addresses = [literal] if literal is not None else await self.resolver(host, port)
        if not addresses:
            raise AddressRefused(host, "no addresses")
        for address in addresses:
            self.check(host, address, port)
        return addresses[0]
