"""Reading a URL host the way a browser does, so every spelling of an address is recognised.

The WHATWG URL standard (what browsers do, and a superset of what ``inet_aton`` accepts) turns
``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``, ``%31%32%37.0.0.1`` and the fullwidth
digits of ``127.0.0.1`` into ``127.0.0.1``. :func:`parse_host` applies the same steps
(percent-decoding, Unicode mapping, IPv4 number parsing, IPv6 literals) and returns either an
IP address or a lower-case ASCII domain name (which :func:`~thera_sdk.net.name_verdict` then
judges).
"""

from __future__ import annotations

import functools
import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import idna

from ._address import IPAddress
from ._exceptions import InvalidTargetError
from ._names import name_verdict

__all__ = ["Host", "parse_host", "parse_ipv4"]

# Code points the URL standard forbids in a domain, plus '%' left over after decoding.
_FORBIDDEN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
# Browsers also accept labels that start or end with '-' (sslip.io reads '--1' as ::1).
_LOOSE_LABEL = re.compile(r"^[a-z0-9_-]{1,63}$")
_HEX = re.compile(r"^0[xX][0-9a-fA-F]*$")
# A label made of digits (or 0x...) anywhere: the host is probably an address in disguise.
_NUMERIC_LABEL = re.compile(r"(?:^|[.\s\x00-\x1f])(?:0x[0-9a-f]*|\d+)(?:[.\s\x00-\x1f]|$)", re.I)


@dataclass(frozen=True)
class Host:
    """A parsed host: ``address`` is set for IP literals, ``name`` for domain names.

    ``text`` is the canonical form for a URL (``127.0.0.1``, ``[::1]``, ``example.com``).
    """

    text: str
    address: IPAddress | None = None
    name: str | None = None

    @property
    def is_address(self) -> bool:
        """Whether the host is an IP literal."""
        return self.address is not None


def _parse_number(part: str) -> int | None:
    if part == "":
        return None
    radix = 10
    if _HEX.match(part):
        part, radix = part[2:], 16
    elif len(part) > 1 and part[0] == "0":
        part, radix = part[1:], 8
    if part == "":
        return 0
    try:
        return int(part, radix) if part.isascii() and part.isalnum() else None
    except ValueError:
        return None


def _looks_numeric(text: str) -> bool:
    """Whether ``text``, read with compatibility mapping (fullwidth and other dots and digits),
    has a label made of a number: a host that fails to parse is then an address in disguise."""
    return bool(_NUMERIC_LABEL.search(unicodedata.normalize("NFKC", text)))


def _names_private_target(name: str) -> bool:
    """Whether a name we refuse to parse would, read as browsers do, be refused anyway."""
    labels = name.split(".")
    if not all(_LOOSE_LABEL.match(label) for label in labels):
        return False
    verdict = name_verdict(name)
    return verdict is not None and verdict.reason != "single_label_name"


def _ends_in_number(text: str) -> bool:
    parts = text.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    last = parts[-1]
    return bool(last) and ((last.isascii() and last.isdigit()) or bool(_HEX.match(last)))


def parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Parse an IPv4 host the way browsers do, or ``None`` if ``text`` is not one.

    Decimal, octal (leading ``0``) and hex (``0x``) parts, one to four of them, with the last
    part filling the remaining bytes, and one trailing dot allowed.

    Examples
    --------
    >>> str(parse_ipv4("0x7f.1")), str(parse_ipv4("2130706433")), str(parse_ipv4("0177.0.0.1."))
    ('127.0.0.1', '127.0.0.1', '127.0.0.1')
    >>> parse_ipv4("example.com") is None
    True
    """
    parts = text.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return None
    numbers = [_parse_number(p) for p in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        return None
    total = values[-1]
    for i, n in enumerate(values[:-1]):
        total += n * 256 ** (3 - i)
    return ipaddress.IPv4Address(total)


def _parse_ipv6(inner: str, raw: str) -> Host:
    # Zone ids are not part of URLs; they are stripped only so the address can be judged.
    address_text, _, zone = unquote_to_bytes(inner).decode("utf-8", "replace").partition("%")
    try:
        address = ipaddress.IPv6Address(address_text)
    except ValueError as exc:
        raise InvalidTargetError(
            f"Host {raw!r} is not a valid IPv6 literal; write it as [2001:db8::1].",
            reason="malformed_ip_literal",
            suspicious=True,
        ) from exc
    if zone:
        raise InvalidTargetError(
            f"Host {raw!r} carries an IPv6 zone id, which URLs cannot use; remove '%{zone}'.",
            reason="ipv6_zone_id",
            address=address,
            suspicious=True,
        )
    return Host(text=f"[{address.compressed}]", address=address)


def _to_ascii(decoded: str, raw: str) -> str:
    try:
        mapped = idna.uts46_remap(decoded, std3_rules=False, transitional=False)
    except idna.IDNAError as exc:
        raise InvalidTargetError(
            f"Host {raw!r} contains characters no domain may contain; check the line.",
            reason="invalid_host",
            suspicious="%" in raw or _looks_numeric(decoded),
        ) from exc
    if mapped.isascii():
        return mapped.lower()
    try:
        return ".".join(
            label if label.isascii() else idna.alabel(label).decode("ascii")
            for label in mapped.split(".")
        )
    except idna.IDNAError as exc:
        raise InvalidTargetError(
            f"Host {raw!r} is not a valid internationalised domain name ({exc}).",
            reason="invalid_host",
            suspicious=_looks_numeric(decoded),
        ) from exc


@functools.lru_cache(maxsize=8192)  # a check parses its host a dozen times; Host is frozen
def parse_host(raw: str) -> Host:
    """Parse the host part of a URL into an address or a domain name.

    Raises :class:`InvalidTargetError` (with ``suspicious=True`` when the text looks like an
    attempt to spell an address) if the host is not valid.

    Examples
    --------
    >>> parse_host("%31%32%37.1").address
    IPv4Address('127.0.0.1')
    >>> parse_host("[::ffff:7f00:1]").text
    '[::ffff:7f00:1]'
    >>> parse_host("Example.COM.").name
    'example.com'
    """
    if raw.startswith("["):
        if not raw.endswith("]"):
            raise InvalidTargetError(
                f"Host {raw!r} opens an IPv6 literal without closing it; add ']'.",
                reason="malformed_ip_literal",
                suspicious=True,
            )
        return _parse_ipv6(raw[1:-1], raw)
    try:
        decoded = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidTargetError(
            f"Host {raw!r} percent-decodes to bytes that are not UTF-8.",
            reason="invalid_host",
            suspicious=True,
        ) from exc
    ascii_host = _to_ascii(decoded, raw)
    if _FORBIDDEN.search(ascii_host):
        raise InvalidTargetError(
            f"Host {raw!r} contains characters no domain may contain; check the line.",
            reason="invalid_host",
            suspicious="%" in raw or bool(_NUMERIC_LABEL.search(ascii_host)),
        )
    if _ends_in_number(ascii_host):
        address = parse_ipv4(ascii_host)
        if address is None:
            raise InvalidTargetError(
                f"Host {raw!r} ends in a number but is not a valid IPv4 address.",
                reason="malformed_ip_literal",
                suspicious=True,
            )
        return Host(text=str(address), address=address)
    name = ascii_host[:-1] if ascii_host.endswith(".") else ascii_host
    labels = name.split(".")
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InvalidTargetError(
            f"Host {raw!r} is not a valid domain name (labels of 1-63 letters, digits, '-', "
            "'_', 253 characters at most).",
            reason="invalid_host",
            suspicious=_looks_numeric(name) or _names_private_target(name),
        )
    return Host(text=name, name=name)
