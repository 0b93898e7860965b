"""Turning an input line (a domain or a URL) into the URL to scrape and the domain it is for.

Lines are read the browser way by :func:`thera_sdk.net.parse_target` (``0x7f.1``,
``%31%32%37.1``, userinfo, backslashes), so the URL scraped is the one the SSRF guard checks.
Whether the host's addresses are public is decided later, after DNS, on every redirect: a
harmless-looking name may still resolve to 10.0.0.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thera_sdk import net
from thera_sdk.scrape._exceptions import BlockedAddressError, InvalidTargetError

__all__ = ["Target", "parse_target"]

_HAS_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*://")


@dataclass(frozen=True)
class Target:
    """What to scrape: ``url`` (absolute http/https) and the ``domain`` results are filed under."""

    domain: str
    url: str


def parse_target(text: str) -> Target:
    """Parse one input line: ``acme.io``, ``www.acme.io/about`` or ``https://acme.io/x``.

    A bare domain is scraped over ``https://``. Userinfo and the fragment are dropped and the
    host is canonical (``0x7f.1`` becomes ``127.0.0.1``). The domain is the host, lower-cased,
    without ``www.``.

    Raises
    ------
    InvalidTargetError
        Empty text, a scheme other than http/https, or a host that is not a name or address.
    BlockedAddressError
        The text spells an address in a way meant to slip past checks (a broken IPv6 literal,
        a numeric host with a bad port).

    Examples
    --------
    >>> parse_target("Acme.io")
    Target(domain='acme.io', url='https://acme.io/')
    >>> parse_target("http://www.acme.io/about?x=1#team")
    Target(domain='acme.io', url='http://www.acme.io/about?x=1')
    >>> parse_target("http://user@0x7f.1:8080/").url
    'http://127.0.0.1:8080/'
    """
    try:
        parsed = net.parse_target(text)
    except net.InvalidTargetError as exc:
        if exc.suspicious:
            raise BlockedAddressError(
                f"{text.strip()!r} is refused without a lookup: {exc}"
            ) from exc
        raise InvalidTargetError(f"{text.strip()!r} is not a domain or http(s) URL: {exc}") from exc
    if not _HAS_SCHEME.match(text) and parsed.scheme == "http" and parsed.port is None:
        parsed = parsed.with_scheme("https")
    host = parsed.host
    domain = host.name if host.name is not None else host.text.strip("[]")
    return Target(domain=domain.lower().removeprefix("www."), url=parsed.url)
