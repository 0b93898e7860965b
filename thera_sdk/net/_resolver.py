"""An async DNS resolver (dnspython) bound to chosen nameservers, with a bounded TTL cache.

The same :class:`Resolver` answers the health check's DNS questions and the fetcher's "which
address do I connect to?", so a name is looked up once per run and the address that was
checked is the one that is used. Names are always queried as absolute names with no search
list: a single label never turns into ``intranet.corp.example``.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

import dns.exception
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.resolver

from thera_sdk._exceptions import ConfigurationError

from ._address import IPAddress
from ._dnsclient import DnsClient, DnsServerError
from ._exceptions import ResolutionError

__all__ = ["DnsLookup", "Resolver", "parse_nameserver"]


def parse_nameserver(spec: str) -> tuple[str, int]:
    """Split ``HOST[:PORT]`` (``[v6]:PORT`` for IPv6) into an address and a port.

    Examples
    --------
    >>> parse_nameserver("127.0.0.1:5353"), parse_nameserver("[::1]:53")
    (('127.0.0.1', 5353), ('::1', 53))
    >>> parse_nameserver("1.1.1.1")
    ('1.1.1.1', 53)
    """
    text = spec.strip()
    host, port = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else "53"
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        ipaddress.ip_address(host)
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError(port)
    except ValueError as exc:
        raise ValueError(
            f"Nameserver {spec!r} is not HOST:PORT with an IP address, e.g. 127.0.0.1:5353."
        ) from exc
    return host, number


@dataclass(frozen=True)
class DnsLookup:
    """What DNS said about one name.

    ``status`` is ``ok``, ``nxdomain``, ``servfail``, ``timeout``, ``no_address`` or ``error``;
    ``cname`` is the alias chain followed; ``mx`` holds ``"preference exchange"`` strings.
    """

    name: str
    status: str
    a: tuple[str, ...] = ()
    aaaa: tuple[str, ...] = ()
    cname: tuple[str, ...] = ()
    mx: tuple[str, ...] = ()
    mx_status: str = "ok"
    error: str = ""
    elapsed_ms: float = 0.0

    @property
    def addresses(self) -> tuple[str, ...]:
        """IPv4 addresses first, then IPv6."""
        return self.a + self.aaaa

    @functools.cached_property
    def ip_addresses(self) -> tuple[IPAddress, ...]:
        """:attr:`addresses` as address objects (parsed once: every hop to a site asks)."""
        return tuple(ipaddress.ip_address(a) for a in self.addresses)


@dataclass
class _Result:
    status: str
    records: tuple[str, ...] = ()
    cnames: tuple[str, ...] = ()
    error: str = ""
    ttl: float = 0.0


@dataclass
class _Cache:
    size: int
    entries: OrderedDict[str, tuple[float, DnsLookup]] = field(default_factory=OrderedDict)

    def get(self, name: str) -> DnsLookup | None:
        hit = self.entries.get(name)
        if hit is None or hit[0] < time.monotonic():
            return None
        self.entries.move_to_end(name)
        return hit[1]

    def put(self, name: str, ttl: float, value: DnsLookup) -> None:
        self.entries[name] = (time.monotonic() + ttl, value)
        self.entries.move_to_end(name)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


_WORST = ("nxdomain", "servfail", "timeout", "error")


class Resolver:
    """Async DNS with fixed nameservers, in-flight de-duplication and a bounded cache.

    Parameters
    ----------
    nameservers
        ``"HOST:PORT"`` strings (the test web gives one); ``None`` reads the system
        configuration (``/etc/resolv.conf``).
    timeout
        Seconds allowed for all the attempts of one query.
    cache_size
        Names kept; answers live ``min_ttl``-``max_ttl`` seconds whatever their TTL says.

    Examples
    --------
    >>> resolver = Resolver(["127.0.0.1:5353"], timeout=1.0)
    >>> lookup = await resolver.lookup("acme.test")  # doctest: +SKIP
    >>> lookup.status, lookup.a  # doctest: +SKIP
    ('ok', ('203.0.113.7',))
    """

    def __init__(
        self,
        nameservers: Sequence[str] | str | None = None,
        *,
        timeout: float = 3.0,
        cache_size: int = 4096,
        min_ttl: float = 30.0,
        max_ttl: float = 300.0,
    ) -> None:
        if isinstance(nameservers, str):
            nameservers = [nameservers]
        if nameservers:
            servers = [parse_nameserver(spec) for spec in nameservers]
        else:
            try:
                system = dns.resolver.Resolver(configure=True)
            except dns.exception.DNSException as exc:
                raise ConfigurationError(
                    f"No system DNS configuration ({exc}); pass nameservers such as "
                    "['1.1.1.1:53'] (--nameserver on the command line)."
                ) from exc
            servers = [(str(ns), system.port) for ns in system.nameservers]
        self._client = DnsClient(servers)
        self._timeout = timeout
        self._cache = _Cache(cache_size)
        self._min_ttl, self._max_ttl = min_ttl, max_ttl
        self._inflight: dict[tuple[str, bool], asyncio.Future[DnsLookup]] = {}
        self.nameservers = tuple(f"{host}:{port}" for host, port in servers)

    async def aclose(self) -> None:
        """Close the resolver's sockets (call before the event loop ends)."""
        await self._client.aclose()

    @staticmethod
    def _result(
        answer: dns.message.Message | dns.exception.DNSException, rdtype: dns.rdatatype.RdataType
    ) -> _Result:
        if isinstance(answer, dns.exception.Timeout):
            return _Result("timeout", error="no answer before the timeout")
        if isinstance(answer, DnsServerError):
            return _Result("servfail", error=f"no nameserver answered ({answer})")
        if isinstance(answer, dns.exception.DNSException):
            return _Result("error", error=f"{type(answer).__name__}: {answer}")
        if answer.rcode() == dns.rcode.NXDOMAIN:
            return _Result("nxdomain", error="the name does not exist (NXDOMAIN)", ttl=60)
        section = answer.answer
        if (
            len(section) == 1
            and section[0].rdtype == rdtype
            and answer.question
            and section[0].name == answer.question[0].name
        ):
            rrset, cnames = section[0], ()  # the common answer: no alias chain to follow
        else:
            try:
                chain = cast(dns.message.QueryMessage, answer).resolve_chaining()
            except dns.exception.DNSException as exc:
                return _Result("error", error=f"{type(exc).__name__}: {exc}")
            cnames = tuple(str(rrset[0].target).rstrip(".") for rrset in chain.cnames)
            rrset = chain.answer
            if rrset is None:  # NODATA: the name exists, without this type
                return _Result("ok", (), cnames, ttl=float(chain.minimum_ttl))
        if rdtype == dns.rdatatype.MX:
            records = tuple(
                f"{r.preference} {str(r.exchange).rstrip('.')}"
                for r in sorted(rrset, key=lambda r: r.preference)
            )
        else:
            records = tuple(str(r) for r in rrset)
        return _Result("ok", records, cnames, ttl=float(rrset.ttl))

    async def _lookup(self, name: str, mx: bool) -> DnsLookup:
        start = time.perf_counter()
        qname = dns.name.from_text(name)  # absolute: never a search-list expansion
        kinds = [dns.rdatatype.A, dns.rdatatype.AAAA] + ([dns.rdatatype.MX] if mx else [])
        answers = await self._client.query_all(qname, kinds, self._timeout)
        a, aaaa = (self._result(answers[k], k) for k in kinds[:2])
        mx_result = self._result(answers[kinds[2]], kinds[2]) if mx else _Result("skipped")
        status = "ok"
        for kind in _WORST:
            if kind in (a.status, aaaa.status) and not (a.records or aaaa.records):
                status = kind
                break
        if status == "ok" and not (a.records or aaaa.records):
            status = "no_address"
        lookup = DnsLookup(
            name=name,
            status=status,
            a=a.records,
            aaaa=aaaa.records,
            cname=a.cnames or aaaa.cnames,
            mx=mx_result.records,
            mx_status=mx_result.status if mx_result.records or mx_result.status != "ok" else "none",
            error=a.error or aaaa.error,
            elapsed_ms=round((time.perf_counter() - start) * 1000, 1),
        )
        if status in ("ok", "nxdomain", "no_address"):  # timeouts and SERVFAIL may pass
            ttl = min([r.ttl for r in (a, aaaa) if r.status == "ok"] or [0.0])
            self._cache.put(name, max(self._min_ttl, min(ttl, self._max_ttl)), lookup)
        return lookup

    async def lookup(self, name: str, *, mx: bool = True) -> DnsLookup:
        """A, AAAA (with the CNAME chain) and MX for ``name``; never raises for DNS failures.

        Examples
        --------
        >>> (await resolver.lookup("missing.test")).status  # doctest: +SKIP
        'nxdomain'
        """
        name = name.rstrip(".").lower()
        cached = self._cache.get(name)
        if cached is not None and (not mx or cached.mx_status != "skipped"):
            return cached
        key = (name, mx)
        pending = self._inflight.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                if not pending.cancelled():
                    raise  # this caller was cancelled, not the shared lookup
            # The task doing the shared lookup was cancelled: look the name up here instead.
        future: asyncio.Future[DnsLookup] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            result = await self._lookup(name, mx)
            future.set_result(result)
            return result
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters may be gone
            raise
        finally:
            if self._inflight.get(key) is future:
                del self._inflight[key]

    async def addresses(self, name: str) -> list[IPAddress]:
        """The addresses ``name`` resolves to (IPv4 first); :class:`ResolutionError` if none.

        Examples
        --------
        >>> await resolver.addresses("acme.test")  # doctest: +SKIP
        [IPv4Address('203.0.113.7')]
        """
        lookup = await self.lookup(name, mx=False)
        if lookup.status != "ok":
            raise ResolutionError(
                f"Could not resolve {name!r}: {lookup.error or lookup.status}. Check the name "
                f"and the nameserver ({', '.join(self.nameservers) or 'system'}).",
                name=name,
                kind=lookup.status,
            )
        return list(lookup.ip_addresses)
