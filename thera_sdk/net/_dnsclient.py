"""DNS over UDP with a few long-lived sockets per nameserver, answers matched by id and question.

dnspython's stub resolver opens a new socket for every query, which dominates the cost of a
lookup when thousands of names are checked a minute. This client keeps a handful of connected
UDP sockets per nameserver (each on its own random source port, replaced after a few thousand
queries), picks a random id per query, accepts only a response whose id, question and flags
match (``Message.is_response``), retries within the deadline and falls back to TCP when an
answer is truncated. Messages are built and parsed by dnspython.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import socket
from dataclasses import dataclass, field

import dns.asyncquery
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype

__all__ = ["DnsClient", "DnsServerError"]


class DnsServerError(dns.exception.DNSException):
    """Every nameserver answered with an error code (SERVFAIL, REFUSED...)."""


class _Endpoint(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.transport: asyncio.DatagramTransport | None = None
        self.pending: dict[
            int, tuple[asyncio.Future[dns.message.Message], dns.message.Message]
        ] = {}
        self.sent = 0
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        entry = self.pending.get(int.from_bytes(data[:2], "big")) if len(data) >= 12 else None
        if entry is None:
            return
        future, query = entry
        try:
            response = dns.message.from_wire(data)
        except dns.exception.DNSException:
            return  # garbage: keep waiting for the real answer
        if not future.done() and query.is_response(response):
            future.set_result(response)

    def error_received(self, exc: Exception) -> None:
        # On a connected socket this is e.g. "connection refused" from the nameserver's host.
        for future, _ in self.pending.values():
            if not future.done():
                future.set_exception(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.error_received(exc or ConnectionError("DNS socket closed"))


@dataclass
class _Server:
    host: str
    port: int
    endpoints: list[_Endpoint] = field(default_factory=list)
    turn: int = 0


class DnsClient:
    """Sends DNS queries to fixed nameservers; one client per event loop.

    Examples
    --------
    >>> client = DnsClient([("127.0.0.1", 5353)])
    >>> name = dns.name.from_text("a.test")
    >>> response = await client.query(name, dns.rdatatype.A, 2.0)  # doctest: +SKIP
    >>> await client.aclose()  # doctest: +SKIP
    """

    def __init__(
        self,
        nameservers: list[tuple[str, int]],
        *,
        sockets_per_server: int = 4,
        queries_per_socket: int = 4096,
    ) -> None:
        if not nameservers:
            raise ValueError("Give at least one nameserver, e.g. ('127.0.0.1', 53).")
        self._servers = [_Server(host, port) for host, port in nameservers]
        self._per_server = sockets_per_server
        self._per_socket = queries_per_socket
        self._loop: asyncio.AbstractEventLoop | None = None

    async def _endpoint(self, server: _Server) -> _Endpoint:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:  # sockets belong to one loop; a new loop starts afresh
            self._close_all()
            self._loop = loop
        server.endpoints = [e for e in server.endpoints if not e.closed]
        for endpoint in server.endpoints:
            if endpoint.sent >= self._per_socket and not endpoint.pending:
                self._close(endpoint)  # a fresh socket gets a fresh random source port
        server.endpoints = [e for e in server.endpoints if not e.closed]
        if len(server.endpoints) < self._per_server:
            transport, protocol = await loop.create_datagram_endpoint(
                _Endpoint, remote_addr=(server.host, server.port)
            )
            sock = transport.get_extra_info("socket")
            with contextlib.suppress(OSError):  # room for a burst of answers (capped by the OS)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            server.endpoints.append(protocol)
            return protocol
        server.turn = (server.turn + 1) % len(server.endpoints)
        return server.endpoints[server.turn]

    def _send(
        self, endpoint: _Endpoint, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> tuple[dns.message.Message, asyncio.Future[dns.message.Message]]:
        query_id = secrets.randbelow(65536)
        while query_id in endpoint.pending:
            query_id = secrets.randbelow(65536)
        query = dns.message.make_query(qname, rdtype, id=query_id)
        future: asyncio.Future[dns.message.Message] = asyncio.get_running_loop().create_future()
        endpoint.pending[query.id] = (future, query)
        endpoint.sent += 1
        assert endpoint.transport is not None
        endpoint.transport.sendto(query.to_wire())
        return query, future

    async def _round(
        self,
        server: _Server,
        qname: dns.name.Name,
        rdtypes: list[dns.rdatatype.RdataType],
        timeout: float,
    ) -> dict[dns.rdatatype.RdataType, dns.message.Message | str]:
        """Ask ``server`` every question at once; a response, an error text, or nothing."""
        endpoint = await self._endpoint(server)
        sent = {rdtype: self._send(endpoint, qname, rdtype) for rdtype in rdtypes}
        out: dict[dns.rdatatype.RdataType, dns.message.Message | str] = {}
        where = f"{server.host}:{server.port}"
        try:
            async with asyncio.timeout(timeout):
                for rdtype, (query, future) in sent.items():
                    try:
                        response = await future
                        if response.flags & dns.flags.TC:  # truncated: ask again over TCP
                            response = await dns.asyncquery.tcp(
                                query, server.host, timeout, port=server.port
                            )
                    except (OSError, EOFError, dns.exception.DNSException) as exc:
                        out[rdtype] = f"{where}: {exc or type(exc).__name__}"
                        continue
                    rcode = response.rcode()
                    ok = rcode in (dns.rcode.NOERROR, dns.rcode.NXDOMAIN)
                    out[rdtype] = response if ok else f"{where}: {dns.rcode.to_text(rcode)}"
        except TimeoutError:
            pass  # what did not arrive is asked again, of the next server
        finally:
            for query, _ in sent.values():
                endpoint.pending.pop(query.id, None)
        return out

    async def query_all(
        self,
        qname: dns.name.Name,
        rdtypes: list[dns.rdatatype.RdataType],
        timeout: float,
    ) -> dict[dns.rdatatype.RdataType, dns.message.Message | dns.exception.DNSException]:
        """Ask several questions about one name at once; each gets its NOERROR or NXDOMAIN
        response, ``dns.exception.Timeout``, or :class:`DnsServerError` (every nameserver
        answered with an error code)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        attempt = max(0.25, timeout / 3)
        results: dict[dns.rdatatype.RdataType, dns.message.Message | dns.exception.DNSException]
        results = {}
        errors: dict[dns.rdatatype.RdataType, list[str]] = {t: [] for t in rdtypes}
        pending = list(rdtypes)
        while pending:
            for server in self._servers:
                remaining = deadline - loop.time()
                if not pending or remaining <= 0:
                    break
                try:
                    answers = await self._round(server, qname, pending, min(attempt, remaining))
                except OSError as exc:  # no socket could be opened towards this server
                    answers = {t: f"{server.host}:{server.port}: {exc}" for t in pending}
                for rdtype, answer in answers.items():
                    if isinstance(answer, str):
                        errors[rdtype].append(answer)
                    else:
                        results[rdtype] = answer
                for rdtype in pending:
                    if rdtype not in results and len(errors[rdtype]) >= len(self._servers):
                        results[rdtype] = DnsServerError("; ".join(errors[rdtype]))
                pending = [t for t in pending if t not in results]
            if pending and deadline - loop.time() <= 0:
                for rdtype in pending:
                    results[rdtype] = dns.exception.Timeout(timeout=timeout)
                pending = []
        return results

    async def query(
        self, qname: dns.name.Name, rdtype: dns.rdatatype.RdataType, timeout: float
    ) -> dns.message.Message:
        """The NOERROR or NXDOMAIN response for one question; raises what :meth:`query_all`
        would report."""
        answer = (await self.query_all(qname, [rdtype], timeout))[rdtype]
        if isinstance(answer, dns.exception.DNSException):
            raise answer
        return answer

    def _close(self, endpoint: _Endpoint) -> None:
        endpoint.closed = True
        if endpoint.transport is not None:
            with contextlib.suppress(RuntimeError):  # its event loop is already closed
                endpoint.transport.close()

    def _close_all(self) -> None:
        for server in self._servers:
            for endpoint in server.endpoints:
                self._close(endpoint)
            server.endpoints = []

    async def aclose(self) -> None:
        """Close every socket."""
        self._close_all()
        await asyncio.sleep(0)  # let the transports finish closing
