"""The SSRF guard: from a URL to the one checked address a connection may use.

:meth:`Guard.pin` parses the host the browser way, refuses special names, resolves the name
once, refuses the whole target if any address is not public, and returns a :class:`Pin`: the
address to connect to, and where the socket really goes (``dial``), which differs from the
address only under a test web's ``dial_map``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import httpx

from ._address import IPAddress, Verdict, classify_address
from ._exceptions import BlockedAddressError, InvalidTargetError
from ._host import Host, parse_host
from ._names import name_verdict
from ._resolver import Resolver
from ._url import DEFAULT_PORTS, TargetURL, parse_url

__all__ = ["DEFAULT_ALLOWED_PORTS", "Guard", "NetworkPolicy", "Pin"]

DEFAULT_ALLOWED_PORTS = frozenset({80, 443, 8080, 8443})


@dataclass(frozen=True)
class NetworkPolicy:
    """Where fetchers may connect.

    Parameters
    ----------
    allow_private_networks
        Lift the address, name and port rules. For tests and the local demo only.
    allowed_ports
        Ports a public target may use; ``None`` allows every port.
    dial_map
        ``{(address, port): (loopback address, port)}``, for the loopback test web only;
        production leaves it empty. Keys must be documentation addresses (192.0.2.0/24,
        198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32), which are never routed on the
        internet; a name that resolves to a key is allowed on that port and its socket goes
        to the loopback value. An IP literal in a URL is never mapped, so ``http://203.0.113.5/``
        stays refused. Without the map, the test web's addresses are refused like any other
        documentation address: a missing map fails closed.

    Examples
    --------
    >>> NetworkPolicy().allow_private_networks
    False
    """

    allow_private_networks: bool = False
    allowed_ports: Collection[int] | None = DEFAULT_ALLOWED_PORTS
    dial_map: Mapping[tuple[str, int], tuple[str, int]] = field(
        default_factory=lambda: MappingProxyType({})
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "dial_map", MappingProxyType(dict(self.dial_map)))
        for (source, _), (host, _port) in self.dial_map.items():
            verdict = classify_address(source)
            if verdict is None or verdict.reason != "documentation":
                raise ValueError(
                    f"dial_map maps {source}, which is not a documentation address; use "
                    "addresses from 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 or 2001:db8::/32."
                )
            if not ipaddress.ip_address(host).is_loopback:
                raise ValueError(
                    f"dial_map sends {source} to {host}, which is not a loopback address; the "
                    "map only exists to reach local test servers."
                )


    def __reduce__(self) -> tuple[type[NetworkPolicy], tuple[object, ...]]:
        # A read-only map does not pickle; checking processes get the policy as plain values.
        return NetworkPolicy, (self.allow_private_networks, self.allowed_ports, dict(self.dial_map))


@dataclass(frozen=True)
class Pin:
    """A checked target: connect to ``address`` (the socket goes to ``dial``).

    ``host`` is the host as it appears in the request (the connection pool's key).
    """

    host: str
    port: int
    address: IPAddress
    dial: tuple[str, int]
    scheme: str = "http"

    def as_dict(self) -> dict[str, object]:
        """JSON-able form, for the record of a redirect hop."""
        return {"host": self.host, "port": self.port, "address": str(self.address)}


def _refuse(
    url: str, verdicts: list[Verdict], request: httpx.Request | None
) -> BlockedAddressError:
    what = "; ".join(f"{v.address}: {v.detail}" for v in verdicts)
    return BlockedAddressError(
        f"Refused {url}: {what}. Only public addresses are fetched; tests and the local demo "
        "may pass allow_private_networks=True.",
        url=url,
        verdicts=verdicts,
        request=request,
    )


class Guard:
    """Checks targets against a :class:`NetworkPolicy`, resolving names with one resolver.

    Examples
    --------
    >>> guard = Guard(Resolver(["127.0.0.1:5353"]), NetworkPolicy())
    >>> await guard.pin("http://2130706433/")  # doctest: +SKIP
    Traceback (most recent call last):
    BlockedAddressError: Refused http://2130706433/: 127.0.0.1: loopback (127.0.0.0/8)...
    """

    def __init__(self, resolver: Resolver, policy: NetworkPolicy | None = None) -> None:
        self.resolver = resolver
        self.policy = policy or NetworkPolicy()

    def _target(self, url: httpx.URL | TargetURL | str) -> tuple[str, str, Host, int]:
        """(url text, pool host, parsed host, port), refusing what cannot be classified."""
        if isinstance(url, TargetURL):
            return url.url, url.host.text.strip("[]"), url.host, url.effective_port
        if isinstance(url, str):
            return self._target(parse_url(url))
        if url.scheme not in DEFAULT_PORTS:
            raise InvalidTargetError(
                f"Scheme {url.scheme!r} is not fetched; only http and https URLs are.",
                reason="unsupported_scheme",
                suspicious=True,
            )
        raw = url.raw_host.decode("ascii")
        host = parse_host(f"[{raw}]" if ":" in raw else raw)
        return str(url), raw, host, url.port or DEFAULT_PORTS[url.scheme]

    async def pin(
        self, url: httpx.URL | TargetURL | str, *, request: httpx.Request | None = None
    ) -> Pin:
        """Check ``url`` and return the address to connect to.

        Raises :class:`BlockedAddressError` when the target (or any address its name
        resolves to) is not public, and :class:`ResolutionError` when the name does not resolve.

        Examples
        --------
        >>> pin = await guard.pin("https://acme.test/")  # doctest: +SKIP
        >>> str(pin.address), pin.port  # doctest: +SKIP
        ('203.0.113.7', 443)
        """
        shown = str(url)
        try:
            shown, pool_host, host, port = self._target(url)
        except InvalidTargetError as exc:
            verdict = Verdict(shown, exc.reason, str(exc))
            if exc.address is not None:
                verdict = classify_address(exc.address) or verdict
            raise _refuse(shown, [verdict], request) from exc
        strict = not self.policy.allow_private_networks
        allowed = self.policy.allowed_ports
        bad_port: list[Verdict] = []
        if strict and allowed is not None and port not in allowed:
            ports = ", ".join(str(p) for p in sorted(allowed))
            bad_port.append(
                Verdict(
                    f"{host.text}:{port}", "port_not_allowed", f"port {port} is not one of {ports}"
                )
            )
        if host.address is not None:
            addresses: list[IPAddress] = [host.address]
        else:
            assert host.name is not None
            named = name_verdict(host.name)
            if strict and named is not None:
                raise _refuse(shown, [named], request)
            if bad_port:  # no need to look the name up
                raise _refuse(shown, bad_port, request)
            addresses = await self.resolver.addresses(host.name)
        dial_map = {} if host.is_address else self.policy.dial_map
        if strict:
            verdicts = [
                v
                for a in addresses
                if (str(a), port) not in dial_map and (v := classify_address(a)) is not None
            ]
            if verdicts or bad_port:
                raise _refuse(shown, verdicts + bad_port, request)
        address = addresses[0]
        dial = dial_map.get((str(address), port), (str(address), port))
        scheme = shown.split(":", 1)[0].lower()
        return Pin(host=pool_host, port=port, address=address, dial=dial, scheme=scheme)
