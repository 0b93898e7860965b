"""Turning a line of input or a redirect ``Location`` into one canonical http(s) URL.

Browsers and HTTP libraries disagree on odd URLs (``http://a\\@127.0.0.1/``, ``http:/\\host``,
``http://user@host@evil/``). :func:`parse_url` reads them the browser way (backslashes are
slashes, the last ``@`` ends the userinfo, tabs and newlines vanish) and rebuilds a plain URL
with a canonical host and no userinfo, so what is checked and what httpx connects to are the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from ._exceptions import InvalidTargetError
from ._host import Host, parse_host

__all__ = ["DEFAULT_PORTS", "TargetURL", "parse_target", "parse_url"]

DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_STRIP = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")


@dataclass(frozen=True)
class TargetURL:
    """A canonical http(s) URL: scheme, parsed host, explicit port (or ``None``), path+query."""

    scheme: str
    host: Host
    port: int | None
    target: str = "/"

    @property
    def effective_port(self) -> int:
        """The port a connection goes to."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.scheme]

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` without the path."""
        port = "" if self.port is None else f":{self.port}"
        return f"{self.scheme}://{self.host.text}{port}"

    @property
    def url(self) -> str:
        """The whole canonical URL."""
        return self.origin + self.target

    def with_scheme(self, scheme: str) -> TargetURL:
        """The same host and path under another scheme, on that scheme's default port."""
        return TargetURL(scheme, self.host, None, self.target)

    def __str__(self) -> str:
        return self.url


def _clean(text: str) -> str:
    return _TAB_NEWLINE.sub("", text.strip(_STRIP))


def _split_special(text: str) -> tuple[str, str]:
    """Normalise backslashes before the query, as browsers do for http(s) URLs."""
    cut = min((i for i in (text.find("?"), text.find("#")) if i >= 0), default=len(text))
    return text[:cut].replace("\\", "/"), text[cut:]


def _parse_absolute(scheme: str, rest: str) -> TargetURL:
    rest = rest.lstrip("/")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, remainder = rest[:end], rest[end:]
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        close = hostport.find("]")
        cut = len(hostport) if close < 0 else close + 1
        raw_host, after = hostport[:cut], hostport[cut:]
        if after and not after.startswith(":"):
            raise InvalidTargetError(
                f"Unexpected text {after!r} after the IPv6 literal in {authority!r}.",
                reason="malformed_ip_literal",
                suspicious=True,
            )
        port_text = after[1:] if after else None
    else:
        raw_host, sep, port_text_or_empty = hostport.partition(":")
        port_text = port_text_or_empty if sep else None
    if not raw_host:
        raise InvalidTargetError(
            f"The URL has no host; write it as {scheme}://example.com/.", reason="invalid_host"
        )
    host = parse_host(raw_host)
    port: int | None = None
    if port_text:
        if not port_text.isascii() or not port_text.isdigit() or int(port_text) > 65535:
            raise InvalidTargetError(
                f"Port {port_text!r} is not a number from 0 to 65535.",
                reason="invalid_port",
                suspicious=host.is_address,
                address=host.address,
            )
        port = int(port_text)
        if port == DEFAULT_PORTS[scheme]:
            port = None
    remainder = remainder.split("#", 1)[0]
    if not remainder.startswith("/"):
        remainder = "/" + remainder
    return TargetURL(scheme, host, port, remainder.replace(" ", "%20"))


def _resolve(text: str, base: TargetURL) -> str:
    """Resolve a reference against ``base`` into absolute URL text (browser rules)."""
    match = _SCHEME.match(text)
    if match and match.group(1).lower() != base.scheme:
        return text  # absolute, in another scheme
    rest = text[match.end() :] if match else text
    path, tail = _split_special(rest)
    if path.startswith("//"):
        return f"{base.scheme}:{path}{tail}"  # network-path reference: a new host
    return urljoin(base.url, path + tail)


def parse_url(text: str, base: TargetURL | str | None = None) -> TargetURL:
    """Parse an absolute http(s) URL, or a reference relative to ``base`` (a redirect).

    Raises :class:`InvalidTargetError` for other schemes, missing or invalid hosts and ports.

    Examples
    --------
    >>> parse_url("HTTP://user:pw@0x7f.1:80/a\\\\b?q#frag").url
    'http://127.0.0.1/a/b?q'
    >>> parse_url("/next", base="https://example.com/start").url
    'https://example.com/next'
    """
    text = _clean(text)
    if base is not None:
        text = _resolve(text, base if isinstance(base, TargetURL) else parse_url(base))
    match = _SCHEME.match(text)
    if not match:
        raise InvalidTargetError(
            f"{text!r} has no scheme; write http://{text} or https://{text}.",
            reason="invalid_url",
        )
    scheme = match.group(1).lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidTargetError(
            f"Scheme {scheme!r} is not fetched; only http and https URLs are.",
            reason="unsupported_scheme",
            suspicious=True,
        )
    path, tail = _split_special(text[match.end() :])
    return _parse_absolute(scheme, path + tail)


def parse_target(line: str) -> TargetURL:
    """Parse one input line: a bare domain (``example.com``) or an http(s) URL.

    A bare domain becomes ``http://domain/``; anything with a scheme must be http or https.

    Examples
    --------
    >>> parse_target("  Example.com  ").url
    'http://example.com/'
    >>> parse_target("https://[::1]:8443/x").port
    8443
    """
    text = _clean(line)
    if not text:
        raise InvalidTargetError(
            "The line is empty; give a domain or an http(s) URL.", reason="empty"
        )
    has_scheme = "://" in text or re.match(r"^https?:", text, re.IGNORECASE) is not None
    if not has_scheme and _SCHEME.match(text) and ":" in text.split("/", 1)[0]:
        # "host:port" reads as a scheme to a URL parser; here it means a host and a port.
        scheme_like = _SCHEME.match(text)
        if scheme_like and not text[scheme_like.end() :].split("/", 1)[0].isdigit():
            has_scheme = True
    return parse_url(text if has_scheme else "http://" + text)
