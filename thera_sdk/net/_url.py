"""Turning a line of input or a redirect ``Location`` into one canonical http(s) URL.

Browsers and HTTP libraries disagree on odd URLs (``http://a\\@127.0.0.1/``, ``http:/\\host``,
``http://user@host@evil/``). :func:`parse_url` reads them the browser way (backslashes are
slashes, the last ``@`` ends the userinfo, tabs and newlines vanish) and rebuilds a plain URL
with a canonical host and no userinfo, so what is checked and what httpx connects to are the same.
A URL that other parsers would read as a different, non-public host (``http://a.com#@10.0.0.1/``)
is refused as ``ambiguous_host``, since another component may read it that way.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import unquote, urljoin

from ._address import classify_address
from ._exceptions import InvalidTargetError
from ._host import Host, parse_host
from ._names import name_verdict

__all__ = ["DEFAULT_PORTS", "TargetURL", "parse_target", "parse_url"]

DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_STRIP = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
# Where a host ends for the parsers that read it after an '@' (RFC 3986 and looser ones).
_HOST_END = re.compile(r"[:@/\\?#\s]")
_AUTHORITY_END = re.compile(r"[/\\?#]")


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


def _bare_ipv6(hostport: str) -> ipaddress.IPv6Address | None:
    """The IPv6 address in an unbracketed ``::1`` or ``::1:8080``, if there is one."""
    if hostport.count(":") < 2:
        return None
    head, _, tail = hostport.rpartition(":")
    # "::1:8080" is both ::1 on port 8080 and ::1:8080: take the reading with a port first.
    readings = (head, hostport) if tail.isdigit() else (hostport, head)
    for text in readings:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            continue
    return None


def _is_refused(host: Host) -> bool:
    # Single labels are left out: "user" in "user:pw@example.com" would read as one.
    if host.address is not None:
        return classify_address(host.address) is not None
    assert host.name is not None
    verdict = name_verdict(host.name)
    return verdict is not None and verdict.reason != "single_label_name"


def _parse_absolute(scheme: str, rest: str) -> TargetURL:
    rest = rest.lstrip("/")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, remainder = rest[:end], rest[end:]
    hostport = authority.rpartition("@")[2]
    bare = _bare_ipv6(hostport)
    if bare is not None:
        # A naive "split at the last colon" parser would connect to this address.
        raise InvalidTargetError(
            f"Host {hostport!r} is an IPv6 address without brackets; write it as [{bare}].",
            reason="malformed_ip_literal",
            suspicious=True,
            address=bare,
        )
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
                suspicious=_is_refused(host),
                address=host.address,
            )
        port = int(port_text)
        if port == DEFAULT_PORTS[scheme]:
            port = None
    remainder = remainder.split("#", 1)[0]
    if not remainder.startswith("/"):
        remainder = "/" + remainder
    return TargetURL(scheme, host, port, remainder.replace(" ", "%20"))


def _host_at_start(text: str) -> str:
    if text.startswith("["):
        return text[: text.find("]") + 1] if "]" in text else text
    return _HOST_END.split(text, 1)[0]


def _other_hosts(rest: str) -> list[str]:
    """Hosts other URL parsers may read in ``rest`` (the text after ``scheme:``).

    Browsers end the authority at ``\\``, ``?`` or ``#``; RFC 3986 parsers read on past a
    backslash, looser ones past ``?`` and ``#`` too, some take the host after the first ``@``,
    and some percent-decode first. So every host after an ``@`` up to the first ``/`` is one
    that some parser connects to, in the text as written and percent-decoded.
    """
    start = rest.lstrip("/\\")
    hosts: list[str] = []
    for text in (start, unquote(start)):
        region = text.split("/", 1)[0]
        parts = region.split("@")
        hosts += [_host_at_start(part) for part in (parts[1:] if len(parts) > 1 else parts)]
        authority = _AUTHORITY_END.split(text, maxsplit=1)[0]
        hosts.append(_host_at_start(authority.rpartition("@")[2]))
    return [h for h in hosts if h]


def _refuse_other_readings(rest: str, host: Host | None) -> None:
    """Refuse a URL that other parsers read as a non-public host different from ``host``."""
    for text in _other_hosts(rest):
        try:
            other = parse_host(text)
        except InvalidTargetError:
            continue
        if other != host and _is_refused(other):
            raise InvalidTargetError(
                f"Other URL parsers read the host as {other.text!r}, which is not public; "
                "write the URL without '@', '\\', '?' or '#' before its path.",
                reason="ambiguous_host",
                suspicious=True,
                address=other.address,
            )


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
        if "://" in text:  # "0://127.0.0.1/": a scheme no parser accepts, a host some read
            _refuse_other_readings(text.partition("://")[2], None)
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
    rest = text[match.end() :]
    path, tail = _split_special(rest)
    try:
        target = _parse_absolute(scheme, path + tail)
    except InvalidTargetError as exc:
        if not exc.suspicious:
            _refuse_other_readings(rest, None)
        raise
    if any(c in rest for c in "@\\%"):  # without them, every parser reads the same host
        _refuse_other_readings(rest, target.host)
    return target


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
