"""Which IP addresses a fetcher may connect to.

:func:`classify_address` returns ``None`` for a public unicast address and a :class:`Verdict`
(a reason code and a sentence) for anything else. It does not lean on ``ipaddress.is_global``
alone: Python calls ``192.0.0.192`` (Oracle Cloud's metadata service) and
``64:ff9b::a9fe:a9fe`` (NAT64 for 169.254.169.254) global. Addresses that carry an IPv4 address
inside an IPv6 one (IPv4-mapped, IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address
they lead to.
"""

from __future__ import annotations

import functools
import ipaddress
from dataclasses import dataclass

__all__ = ["IPAddress", "Verdict", "classify_address", "embedded_ipv4", "is_public_address"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Known metadata endpoints: AWS (IMDS, ECS task metadata, Route 53 resolver, time sync),
# GCP and Azure (169.254.169.254, GCP's fd20:ce::254), Alibaba (100.100.100.200), Oracle
# (192.0.0.192), and Azure's host endpoint 168.63.129.16 (WireServer), a public address that
# only answers from inside Azure.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",
        "169.254.170.2",
        "169.254.169.253",
        "169.254.169.123",
        "100.100.100.200",
        "192.0.0.192",
        "168.63.129.16",
        "fd00:ec2::254",
        "fd20:ce::254",
        "fd00:ec2::23",
    )
)

_V4_RULES: tuple[tuple[str, str, str], ...] = (
    ("0.0.0.0/8", "unspecified", "'this network' (0.0.0.0/8)"),
    ("10.0.0.0/8", "private", "private network (10.0.0.0/8)"),
    ("100.64.0.0/10", "cgnat", "carrier-grade NAT shared space (100.64.0.0/10)"),
    ("127.0.0.0/8", "loopback", "loopback (127.0.0.0/8)"),
    ("169.254.0.0/16", "link_local", "link-local (169.254.0.0/16)"),
    ("172.16.0.0/12", "private", "private network (172.16.0.0/12)"),
    ("192.0.0.0/24", "ietf_protocol", "IETF protocol assignments (192.0.0.0/24)"),
    ("192.0.2.0/24", "documentation", "documentation range TEST-NET-1 (192.0.2.0/24)"),
    ("192.88.99.0/24", "reserved", "deprecated 6to4 relay anycast (192.88.99.0/24)"),
    ("192.168.0.0/16", "private", "private network (192.168.0.0/16)"),
    ("198.18.0.0/15", "benchmarking", "benchmarking range (198.18.0.0/15)"),
    ("198.51.100.0/24", "documentation", "documentation range TEST-NET-2 (198.51.100.0/24)"),
    ("203.0.113.0/24", "documentation", "documentation range TEST-NET-3 (203.0.113.0/24)"),
    ("224.0.0.0/4", "multicast", "multicast (224.0.0.0/4)"),
    ("240.0.0.0/4", "reserved", "reserved for future use or broadcast (240.0.0.0/4)"),
)

_V6_RULES: tuple[tuple[str, str, str], ...] = (
    ("::/128", "unspecified", "the unspecified address (::)"),
    ("::1/128", "loopback", "loopback (::1)"),
    ("100::/64", "reserved", "discard-only prefix (100::/64)"),
    ("64:ff9b:1::/48", "nat64_local", "local-use NAT64 prefix (64:ff9b:1::/48)"),
    ("2001::/32", "teredo", "Teredo tunnelling (2001::/32)"),
    ("2001:2::/48", "benchmarking", "benchmarking range (2001:2::/48)"),
    ("2001::/23", "ietf_protocol", "IETF protocol assignments (2001::/23)"),
    ("2001:db8::/32", "documentation", "documentation range (2001:db8::/32)"),
    ("3fff::/20", "documentation", "documentation range (3fff::/20)"),
    ("5f00::/16", "reserved", "SRv6 segment identifiers (5f00::/16)"),
    ("fc00::/7", "unique_local", "unique-local (fc00::/7)"),
    ("fe80::/10", "link_local", "link-local (fe80::/10)"),
    ("fec0::/10", "site_local", "deprecated site-local (fec0::/10)"),
    ("ff00::/8", "multicast", "multicast (ff00::/8)"),
)

_V4 = tuple((ipaddress.IPv4Network(n), r, t) for n, r, t in _V4_RULES)
_V6 = tuple((ipaddress.IPv6Network(n), r, t) for n, r, t in _V6_RULES)
_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")


@dataclass(frozen=True)
class Verdict:
    """Why an address is refused.

    ``reason`` is a stable code (``loopback``, ``private``, ``cloud_metadata``...); ``detail`` a
    sentence for people; ``embedded`` the IPv4 address an IPv6 form leads to, when there is one.
    """

    address: str
    reason: str
    detail: str
    embedded: str | None = None

    def as_dict(self) -> dict[str, str]:
        """The verdict as evidence for a flag.

        Examples
        --------
        >>> classify_address("10.1.2.3").as_dict()["reason"]
        'private'
        """
        out = {"address": self.address, "reason": self.reason, "detail": self.detail}
        if self.embedded is not None:
            out["embedded_ipv4"] = self.embedded
        return out


def embedded_ipv4(address: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address carried inside an IPv6 transition form, with the form's name.

    Examples
    --------
    >>> embedded_ipv4(ipaddress.IPv6Address("64:ff9b::a9fe:a9fe"))
    ('nat64', IPv4Address('169.254.169.254'))
    >>> embedded_ipv4(ipaddress.IPv6Address("2606:4700::1")) is None
    True
    """
    if address in _MAPPED:
        return "ipv4_mapped", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _NAT64:
        return "nat64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return "6to4", ipaddress.IPv4Address((int(address) >> 80) & 0xFFFFFFFF)
    if address in _COMPATIBLE and int(address) > 1:
        return "ipv4_compatible", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _as_ip(address: str | IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return address
    return ipaddress.ip_address(address)


def _classify_v4(ip: ipaddress.IPv4Address) -> tuple[str, str] | None:
    if ip in _METADATA:
        return "cloud_metadata", f"cloud metadata service ({ip})"
    for network, reason, text in _V4:
        if ip in network:
            return reason, text
    if not ip.is_global:  # a backstop for ranges added to the registry after this table
        return "reserved", "not a global unicast address"
    return None


@functools.lru_cache(maxsize=8192)  # every hop to a site asks again about the same addresses
def classify_address(address: str | IPAddress) -> Verdict | None:
    """``None`` if ``address`` is public unicast, else the :class:`Verdict` that refuses it.

    Parameters
    ----------
    address
        An IPv4 or IPv6 address, as text or an ``ipaddress`` object. A zone id (``fe80::1%eth0``)
        is ignored for classification.

    Examples
    --------
    >>> classify_address("93.184.216.34") is None
    True
    >>> classify_address("::ffff:127.0.0.1").reason
    'loopback'
    >>> classify_address("192.0.0.192").reason
    'cloud_metadata'
    """
    ip = _as_ip(address)
    text = str(ip)
    if isinstance(ip, ipaddress.IPv4Address):
        found = _classify_v4(ip)
        return None if found is None else Verdict(text, found[0], found[1])
    if ip.scope_id:
        ip = ipaddress.IPv6Address(text.split("%", 1)[0])
    if ip in _METADATA:
        return Verdict(text, "cloud_metadata", f"cloud metadata service ({ip})")
    carried = embedded_ipv4(ip)
    if carried is not None:
        form, inner = carried
        found = _classify_v4(inner)
        if found is not None:
            return Verdict(text, found[0], f"{found[1]}, inside an {form} IPv6 address", str(inner))
        if form == "ipv4_compatible":  # deprecated since 2006: nothing legitimate uses it
            return Verdict(text, form, "deprecated IPv4-compatible IPv6 address", str(inner))
        return None
    for network, reason, detail in _V6:
        if ip in network:
            return Verdict(text, reason, detail)
    if ip not in _GLOBAL_UNICAST:
        return Verdict(text, "reserved", "outside global unicast space (2000::/3)")
    if not ip.is_global:  # a backstop for ranges added to the registry after this table
        return Verdict(text, "reserved", "not a global unicast address")
    return None


def is_public_address(address: str | IPAddress) -> bool:
    """Whether a fetcher may connect to ``address`` under the default policy.

    Examples
    --------
    >>> is_public_address("8.8.8.8"), is_public_address("100.64.0.1")
    (True, False)
    """
    return classify_address(address) is None
