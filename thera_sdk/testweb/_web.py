"""The loopback test web: DNS, HTTP, HTTPS and a canary, on 127.0.0.1, in a background thread.

Sites get addresses from the documentation ranges (never routed on the internet); the
settings' ``dial_map`` tells the safe transport that a socket for such an address goes to the
web's loopback ports. Sites that must refuse connections share one address whose map entry
points at a bound socket that never listens. The canary is a listener that only counts
connections: redirects "into private space" point at it, so a test can prove nothing reached it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from thera_sdk._loop import new_event_loop

from ._certs import CertificateStore
from ._dns import DnsServerProtocol, Zone
from ._http import RequestRecord, Router, serve_connection
from ._settings import TestWebSettings
from ._sites import Site, default_sites

__all__ = ["TestWeb"]

_LOOPBACK = "127.0.0.1"
_SHARED = [f"203.0.113.{i}" for i in range(1, 255)] + [f"198.51.100.{i}" for i in range(1, 255)]
_SHARED_V6 = [f"2001:db8:7e57::{i:x}" for i in range(1, 255)]
_CLASS_ADDRESS = {
    ("listen", "refuse"): "192.0.2.10",
    ("refuse", "listen"): "192.0.2.20",
    ("refuse", "refuse"): "192.0.2.30",
}


class TestWeb:
    """A small internet on loopback, for tests, the demo and benchmarks.

    Parameters
    ----------
    sites
        The sites to serve; :func:`default_sites` (one per broken case) if not given.
    latency
        Seconds added before every HTTP response (the benchmark uses 0.05).
    directory
        Where the CA bundle is written; a temporary folder (removed on stop) if not given.

    Examples
    --------
    >>> with TestWeb() as web:  # doctest: +SKIP
    ...     settings = web.settings()
    ...     settings.nameserver, web.address_of("healthy.test")
    ('127.0.0.1:40123', ('203.0.113.1', '2001:db8:7e57::1'))
    """

    __test__ = False  # not a pytest test class

    def __init__(
        self,
        sites: Iterable[Site] | None = None,
        *,
        latency: float = 0.0,
        directory: str | Path | None = None,
    ) -> None:
        self.sites: tuple[Site, ...] = tuple(default_sites() if sites is None else sites)
        by_domain = {site.domain.lower(): site for site in self.sites}
        if len(by_domain) != len(self.sites):
            raise ValueError("Two sites share a domain; give each site its own domain.")
        self._by_domain = by_domain
        self._latency = latency
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if directory is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="thera-testweb-")
            directory = self._tmp.name
        self._certs = CertificateStore(Path(directory))
        self.ca_bundle = str(self._certs.ca_bundle)
        self._addresses = self._assign_addresses()
        self._zone = Zone(self.sites, self._addresses)
        self.router = Router(by_domain, latency=latency, canary=lambda: self.canary_host)
        self.errors: list[BaseException] = []
        self.canary_connections = 0
        self.nameserver = ""
        self.http_port = self.https_port = self.canary_port = 0
        self._refuse_port = 0
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._ready = threading.Event()
        self._stopped = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- addresses ---------------------------------------------------------------------
    @staticmethod
    def _port_mode(site: Site) -> tuple[str, str]:
        return (
            "refuse" if site.http == "refuse" else "listen",
            "refuse" if site.https == "refuse" else "listen",
        )

    def _assign_addresses(self) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        shared = 0
        for site in self.sites:
            if site.addresses:
                out[site.domain] = tuple(str(ipaddress.ip_address(a)) for a in site.addresses)
            elif site.cname is None and site.dns == "ok":
                mode = self._port_mode(site)
                if mode in _CLASS_ADDRESS:
                    out[site.domain] = (_CLASS_ADDRESS[mode],)
                else:
                    out[site.domain] = (
                        _SHARED[shared % len(_SHARED)],
                        _SHARED_V6[shared % len(_SHARED_V6)],
                    )
                    shared += 1
        return out

    def address_of(self, domain: str) -> tuple[str, ...]:
        """The A and AAAA records the web serves for ``domain``."""
        return self._addresses.get(domain.lower(), ())

    @property
    def canary_host(self) -> str:
        """``127.0.0.1:PORT`` of the canary listener."""
        return f"{_LOOPBACK}:{self.canary_port}"

    @property
    def dns_queries(self) -> int:
        """How many DNS queries the web has answered (or ignored, for ``timeout`` sites)."""
        return self._zone.queries

    @property
    def requests(self) -> list[RequestRecord]:
        """The requests answered so far (the last 10,000)."""
        return list(self.router.log)

    def dial_map(self) -> dict[tuple[str, int], tuple[str, int]]:
        """``{(address, port): ("127.0.0.1", loopback port)}`` for every served address."""
        out: dict[tuple[str, int], tuple[str, int]] = {}
        for address in (*_SHARED, *_SHARED_V6):
            out[(address, 80)] = (_LOOPBACK, self.http_port)
            out[(address, 443)] = (_LOOPBACK, self.https_port)
        for (http_mode, https_mode), address in _CLASS_ADDRESS.items():
            http_port = self.http_port if http_mode == "listen" else self._refuse_port
            https_port = self.https_port if https_mode == "listen" else self._refuse_port
            out[(address, 80)] = (_LOOPBACK, http_port)
            out[(address, 443)] = (_LOOPBACK, https_port)
        return out

    def settings(self) -> TestWebSettings:
        """How a client reaches this web (nameserver, CA bundle, dial map)."""
        if not self._ready.is_set():
            raise RuntimeError("The test web is not running; call start() or use 'with'.")
        return TestWebSettings(
            nameserver=self.nameserver,
            ca_bundle=self.ca_bundle,
            dial_map=self.dial_map(),
            http_port=self.http_port,
            https_port=self.https_port,
            domains=tuple(site.domain for site in self.sites),
        )

    # -- serving -----------------------------------------------------------------------
    def _error(self, exc: BaseException) -> None:
        if len(self.errors) < 1000:  # enough to debug with, bounded for long demo runs
            self.errors.append(exc)

    def _sni(self, ssl_object: object, server_name: str | None, _context: object) -> None:
        site = self._by_domain.get((server_name or "").lower().removeprefix("www.")) or (
            self._by_domain.get((server_name or "").lower())
        )
        if site is not None:
            ssl_object.context = self._certs.context_for(site)  # type: ignore[attr-defined]

    async def _handle(
        self, scheme: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await serve_connection(self.router, scheme, reader, writer)
        finally:
            self._tasks.discard(task)

    async def _count_canary(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.canary_connections += 1
        writer.close()

    async def _serve(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(
            lambda _loop, ctx: self._error(
                ctx.get("exception") or RuntimeError(str(ctx.get("message")))
            )
        )
        self._stopping = asyncio.Event()
        dns_transport, _ = await loop.create_datagram_endpoint(
            lambda: DnsServerProtocol(self._zone, self._error), local_addr=(_LOOPBACK, 0)
        )
        server_ctx = self._certs.default_context
        server_ctx.sni_callback = self._sni  # type: ignore[assignment]
        http = await asyncio.start_server(
            lambda r, w: self._handle("http", r, w), _LOOPBACK, 0, backlog=1024
        )
        https = await asyncio.start_server(
            lambda r, w: self._handle("https", r, w),
            _LOOPBACK,
            0,
            ssl=server_ctx,
            backlog=1024,
            ssl_handshake_timeout=10,
        )
        canary = await asyncio.start_server(self._count_canary, _LOOPBACK, 0)
        refuser = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        refuser.bind((_LOOPBACK, 0))  # bound, never listening: connections are refused
        with contextlib.suppress(OSError):  # a burst of queries must not overflow the buffer
            dns_socket = dns_transport.get_extra_info("socket")
            dns_socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.nameserver = f"{_LOOPBACK}:{dns_transport.get_extra_info('sockname')[1]}"
        self.http_port = http.sockets[0].getsockname()[1]
        self.https_port = https.sockets[0].getsockname()[1]
        self.canary_port = canary.sockets[0].getsockname()[1]
        self._refuse_port = refuser.getsockname()[1]
        self._ready.set()
        try:
            await self._stopping.wait()
        finally:
            for server in (http, https, canary):
                server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            for server in (http, https, canary):
                await server.wait_closed()
            dns_transport.close()
            refuser.close()

    def _run(self) -> None:
        loop = new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._serve())
        except BaseException as exc:
            self.errors.append(exc)
        finally:
            self._ready.set()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def start(self) -> TestWeb:
        """Start every server; returns once they accept connections."""
        if self._thread is not None:
            raise RuntimeError("The test web is already running.")
        if self._stopped:
            raise RuntimeError("This test web has been stopped; create a new TestWeb.")
        self._thread = threading.Thread(target=self._run, name="thera-testweb", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if not self.http_port:
            self.stop()
            raise RuntimeError(f"The test web could not start: {self.errors!r}")
        return self

    def stop(self) -> None:
        """Stop every server, close every connection and remove the temporary folder."""
        self._stopped = self._stopped or self._thread is not None
        if self._thread is not None:
            if self._loop is not None and self._stopping is not None and self._loop.is_running():
                self._loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(30)
            self._thread = None
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.cleanup()
            self._tmp = None
        self._ready.clear()

    def __enter__(self) -> TestWeb:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
