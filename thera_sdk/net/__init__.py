"""Safe outbound HTTP: fetch public web sites without ever reaching a private address.

The pieces, smallest first:

- :func:`classify_address` / :func:`is_public_address`: is an IP address public unicast?
  Loopback, private, link-local, CGNAT, multicast, reserved, documentation, benchmarking,
  unique-local, cloud metadata and IPv6 forms that carry such an IPv4 address are not.
- :func:`parse_url` / :func:`parse_target` / :func:`parse_host`: read a URL or an input line the
  browser way (``2130706433``, ``0x7f.1``, ``%31%32%37.1``, ``[::ffff:127.0.0.1]``, userinfo,
  backslashes) into a canonical :class:`TargetURL`.
- :func:`name_verdict`: names refused before any lookup (``localhost``, ``*.internal``,
  metadata names, single labels, ``127.0.0.1.nip.io`` and other names that spell an address).
- :class:`Resolver`: async DNS (dnspython) on chosen nameservers (``"127.0.0.1:5353"``), cached.
- :class:`Guard` + :class:`NetworkPolicy`: from a URL to a checked :class:`Pin` (the address to
  connect to), or :class:`BlockedAddressError` with each refused address and why.
- :class:`SafeTransport` / :func:`safe_async_client`: httpx over the guard. Every request,
  including each redirect hop, is checked; the socket goes to the pinned address (no second
  lookup) while TLS verifies the name.

Usage::

    from thera_sdk.net import NetworkPolicy, Resolver, safe_async_client

    resolver = Resolver()                            # or Resolver(["127.0.0.1:5353"])
    try:
        async with safe_async_client(resolver=resolver, follow_redirects=True) as client:
            response = await client.get("https://example.com/")
    except BlockedAddressError as exc:               # also an httpx.ConnectError
        print(exc.evidence())                        # each refused address and why
    finally:
        await resolver.aclose()                      # a resolver passed in is the caller's

Errors: :class:`BlockedAddressError` (refused before connecting) and :class:`ResolutionError`
(``kind``: nxdomain, servfail, timeout...) are ``httpx.ConnectError`` subclasses. A
``Resolver`` and a transport belong to the event loop that first uses them.

``NetworkPolicy(allow_private_networks=True)`` lifts the rules, for tests and the local demo
only. The loopback test web (:mod:`thera_sdk.testweb`) gives a ``NetworkPolicy`` with a
``dial_map`` instead, so its sample sites look public and the rules stay on.
"""

from ._address import IPAddress, Verdict, classify_address, embedded_ipv4, is_public_address
from ._exceptions import BlockedAddressError, InvalidTargetError, ResolutionError
from ._guard import DEFAULT_ALLOWED_PORTS, Guard, NetworkPolicy, Pin
from ._host import Host, parse_host, parse_ipv4
from ._names import embedded_addresses, name_verdict
from ._resolver import DnsLookup, Resolver, parse_nameserver
from ._transport import (
    PIN_EXTENSION,
    TLS_EXTENSION,
    SafeTransport,
    TlsInfo,
    make_ssl_context,
    safe_async_client,
    tls_info_from_cert,
)
from ._url import DEFAULT_PORTS, TargetURL, parse_target, parse_url

__all__ = [
    "DEFAULT_ALLOWED_PORTS",
    "DEFAULT_PORTS",
    "PIN_EXTENSION",
    "TLS_EXTENSION",
    "BlockedAddressError",
    "DnsLookup",
    "Guard",
    "Host",
    "IPAddress",
    "InvalidTargetError",
    "NetworkPolicy",
    "Pin",
    "ResolutionError",
    "Resolver",
    "SafeTransport",
    "TargetURL",
    "TlsInfo",
    "Verdict",
    "classify_address",
    "embedded_addresses",
    "embedded_ipv4",
    "is_public_address",
    "make_ssl_context",
    "name_verdict",
    "parse_host",
    "parse_ipv4",
    "parse_nameserver",
    "parse_target",
    "parse_url",
    "safe_async_client",
    "tls_info_from_cert",
]
