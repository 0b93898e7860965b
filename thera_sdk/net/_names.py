"""Names that are refused before any DNS lookup.

Some names never point at a public server: ``localhost`` and ``*.localhost``, special-use and
private suffixes (``.local``, ``.internal``, ``.home.arpa``...), cloud metadata names
(``metadata.google.internal``), and single labels, which resolvers expand with search domains
inside a network. Others are public services that answer with an address taken from the name
(``127.0.0.1.nip.io``, ``10-0-0-1.sslip.io``, ``7f000001.c0a80001.rbndr.us``) or always with
loopback (``localtest.me``, ``lvh.me``): those are judged by the address they stand for, so
they are refused even when DNS is unreachable. The address check after resolution still applies
to every other name.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re

from ._address import IPAddress, Verdict, classify_address

__all__ = ["embedded_addresses", "name_verdict"]

_PRIVATE_SUFFIXES = (
    "localhost",
    "local",
    "localdomain",
    "localdomain4",  # /etc/hosts: localhost4.localdomain4, localhost6.localdomain6
    "localdomain6",
    "internal",
    "intranet",
    "home.arpa",
    "arpa",
    "invalid",
    "onion",
    "metadata.goog",
    # Never delegated in the root zone; only resolvers inside a network answer for them.
    "svc",  # Kubernetes services (kubernetes.default.svc)
    "lan",
    "home",
    "corp",
)
_METADATA_NAMES = frozenset(
    {"metadata", "metadata.google.internal", "metadata.goog", "instance-data", "metadata.azure",
     "metadata.tencentyun.com"}
)  # fmt: skip
# Wildcard DNS services that answer with the address spelled in the name.
_ADDRESS_IN_NAME = ("nip.io", "sslip.io", "xip.io", "xip.name", "nip.direct", "traefik.me",
                    "backname.io", "rbndr.us", "1u.ms", "rebind.it", "rebind.network")  # fmt: skip
# Public names (and all their subdomains) that resolve to loopback.
_LOOPBACK_NAMES = ("localtest.me", "lvh.me", "vcap.me", "localh.st", "localho.st", "local.gd",
                   "fuf.me", "lacolhost.com", "localhost.direct",
                   "spoofed.burpcollaborator.net")  # fmt: skip
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_DOTTED = re.compile(rf"(?<![\d]){_OCTET}(?:[.-]{_OCTET}){{3}}(?![\d])")
_HEX8 = re.compile(r"(?<![0-9a-f])[0-9a-f]{8}(?![0-9a-f])")


def _under(name: str, suffix: str) -> bool:
    return name == suffix or name.endswith("." + suffix)


def embedded_addresses(name: str) -> list[IPAddress]:
    """The addresses a wildcard DNS service would answer for ``name`` (``[]`` for others).

    Examples
    --------
    >>> embedded_addresses("app.10-0-0-1.sslip.io")
    [IPv4Address('10.0.0.1')]
    >>> embedded_addresses("7f000001.c0a80001.rbndr.us")
    [IPv4Address('127.0.0.1'), IPv4Address('192.168.0.1')]
    """
    suffix = next((s for s in _ADDRESS_IN_NAME if name.endswith("." + s)), None)
    if suffix is None:
        return []
    prefix = name[: -len(suffix) - 1]
    found: list[IPAddress] = [
        ipaddress.IPv4Address(m.group(0).replace("-", ".")) for m in _DOTTED.finditer(prefix)
    ]
    found += [ipaddress.IPv4Address(int(m.group(0), 16)) for m in _HEX8.finditer(prefix)]
    for label in prefix.split("."):
        if "--" in label:  # sslip.io writes IPv6 with dashes: --1 is ::1
            with contextlib.suppress(ValueError):
                found.append(ipaddress.IPv6Address(label.replace("-", ":")))
    return found


@functools.lru_cache(maxsize=8192)  # every hop of every check asks; the answer never changes
def name_verdict(name: str) -> Verdict | None:
    """``None`` if ``name`` may be looked up in public DNS, else why it is refused.

    Examples
    --------
    >>> name_verdict("metadata.google.internal").reason
    'cloud_metadata'
    >>> name_verdict("fileserver").reason
    'single_label_name'
    >>> name_verdict("127.0.0.1.nip.io").reason
    'loopback'
    >>> name_verdict("example.com") is None
    True
    """
    if name in _METADATA_NAMES:
        return Verdict(name, "cloud_metadata", f"cloud metadata service name ({name})")
    for suffix in _PRIVATE_SUFFIXES:
        if _under(name, suffix):
            return Verdict(name, "private_name", f"special-use name under .{suffix}")
    if "." not in name:
        # Resolvers expand single labels with search domains, which point inside a network.
        return Verdict(name, "single_label_name", "single-label (intranet) name")
    for suffix in _LOOPBACK_NAMES:
        if _under(name, suffix):
            return Verdict(name, "loopback", f"{suffix} is a public name for 127.0.0.1")
    for address in embedded_addresses(name):
        verdict = classify_address(address)
        if verdict is not None:
            return Verdict(
                name,
                verdict.reason,
                f"{verdict.detail}: the name spells {address} for a wildcard DNS service",
                str(address),
            )
    return None
