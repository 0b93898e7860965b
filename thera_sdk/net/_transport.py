"""An httpx transport that connects only to addresses the :class:`Guard` has checked.

For every request, including each redirect hop when the client follows redirects, the
transport asks the guard for a :class:`Pin`, then lets httpcore open the connection through a
network backend that dials the pinned address, never the name: there is no second DNS lookup
to race against. TLS still uses the name for SNI and certificate checks, and connections are
pooled per name, so a connection verified for one site is never reused for another.

Each response carries two extensions: ``PIN_EXTENSION`` (the :class:`Pin` used) and, for
https, ``TLS_EXTENSION`` (a :class:`TlsInfo`: protocol, cipher, certificate dates and names).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import ssl
import sys
from collections import OrderedDict
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import certifi
import httpcore
import httpx

try:
    import sniffio  # noqa: F401
except ImportError:
    # httpcore imports sniffio each time it sets up a lock; when it is absent, every attempt
    # searches sys.path again (about 0.3 ms per connection). A None entry makes it fail fast.
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

from ._guard import Guard, NetworkPolicy, Pin
from ._resolver import Resolver
from ._stream import AsyncioBackend
from ._url import TargetURL

__all__ = [
    "PIN_EXTENSION",
    "TLS_EXTENSION",
    "SafeTransport",
    "TlsInfo",
    "make_ssl_context",
    "safe_async_client",
    "tls_info_from_cert",
]

PIN_EXTENSION = "thera.pin"
# Path and query characters that need no percent-encoding, and well-formed escapes.
_PLAIN_TARGET = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
TLS_EXTENSION = "thera.tls"
DEFAULT_LIMITS = httpx.Limits(max_connections=10, max_keepalive_connections=100)
_PIN: ContextVar[Pin | None] = ContextVar("thera_net_pin", default=None)

_EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _mapped(request: httpx.Request | None = None) -> Iterator[None]:
    """Re-raise httpcore errors as the matching httpx error (most specific first)."""
    try:
        yield
    except Exception as exc:
        for source, target in _EXCEPTIONS:
            if isinstance(exc, source):
                raise target(str(exc) or type(exc).__name__, request=request) from exc
        raise


@dataclass(frozen=True)
class TlsInfo:
    """What the TLS handshake showed: protocol (``TLSv1.3``), cipher and the leaf certificate."""

    protocol: str | None
    cipher: str | None
    not_before: str | None
    not_after: str | None
    days_to_expiry: int | None
    subject: str | None
    issuer: str | None
    names: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "protocol": self.protocol,
            "cipher": self.cipher,
            "not_before": self.not_before,
            "not_after": self.not_after,
            "days_to_expiry": self.days_to_expiry,
            "subject": self.subject,
            "issuer": self.issuer,
            "names": list(self.names),
        }


def _rdn(name: Iterable[Iterable[tuple[str, str]]] | None, *keys: str) -> str | None:
    for rdn in name or ():
        for key, value in rdn:
            if key in keys:
                return value
    return None


def tls_info_from_cert(
    cert: Mapping[str, Any],
    *,
    protocol: str | None = None,
    cipher: str | None = None,
    now: dt.datetime | None = None,
) -> TlsInfo:
    """Summarise a certificate in ``ssl.SSLSocket.getpeercert()`` form.

    Examples
    --------
    >>> info = tls_info_from_cert({"notAfter": "Jan  2 00:00:00 2030 GMT"},
    ...                           now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    >>> info.days_to_expiry
    1
    """
    now = now or dt.datetime.now(dt.UTC)
    not_after = cert.get("notAfter")
    not_before = cert.get("notBefore")
    days = None
    expires_iso = None
    if not_after:
        expires = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)
        expires_iso = expires.isoformat()
        days = (expires - now).days
    starts_iso = None
    if not_before:
        starts = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_before), dt.UTC)
        starts_iso = starts.isoformat()
    alt_names = cert.get("subjectAltName", ())
    names = tuple(value for kind, value in alt_names if kind in ("DNS", "IP Address"))
    return TlsInfo(
        protocol=protocol,
        cipher=cipher,
        not_before=starts_iso,
        not_after=expires_iso,
        days_to_expiry=days,
        subject=_rdn(cert.get("subject"), "commonName"),
        issuer=_rdn(cert.get("issuer"), "organizationName", "commonName"),
        names=names,
    )


def _tls_info(extensions: Mapping[str, Any]) -> TlsInfo | None:
    stream = extensions.get("network_stream")
    ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
    if ssl_object is None:
        return None
    cipher = ssl_object.cipher()
    return tls_info_from_cert(
        ssl_object.getpeercert() or {},
        protocol=ssl_object.version(),
        cipher=cipher[0] if cipher else None,
    )


def make_ssl_context(ca_bundle: str | None = None) -> ssl.SSLContext:
    """A verifying client context: the given CA bundle (PEM path) or certifi's roots.

    Build it once and share it: loading a CA bundle costs milliseconds.

    Examples
    --------
    >>> make_ssl_context().verify_mode == ssl.CERT_REQUIRED
    True
    """
    context = ssl.create_default_context(cafile=ca_bundle or certifi.where())
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _request_target(url: TargetURL) -> bytes:
    """The path and query as sent: plain ones as they are, others percent-encoded as httpx
    encodes them (its URL parse is the slow part of a request, so it is kept for odd ones)."""
    if _PLAIN_TARGET.fullmatch(url.target) is not None:
        return url.target.encode("ascii")
    return httpx.URL(url.url).raw_path


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Dials the pinned address of the current request; refuses anything else."""

    def __init__(self) -> None:
        self._inner = AsyncioBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pin = _PIN.get()
        if pin is None or pin.host != host or pin.port != port:
            # Fail closed: a connection the guard did not check is never opened.
            raise httpcore.ConnectError(f"No checked address for {host}:{port}; refused.")
        return await self._inner.connect_tcp(
            pin.dial[0],
            pin.dial[1],
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are never opened by the safe transport.")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any, on_close: Callable[[], Awaitable[None]] | None = None) -> None:
        self._stream = stream
        self._on_close = on_close

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        try:
            with _mapped():
                await self._stream.aclose()
        finally:
            if self._on_close is not None:
                await self._on_close()


class SafeTransport(httpx.AsyncBaseTransport):
    """An async httpx transport that refuses non-public targets and pins checked addresses.

    Parameters
    ----------
    resolver
        Resolves names (share one per run; the caller closes it). If not given, one on the
        system nameservers is made and closed with the transport.
    policy
        What may be reached; defaults to public addresses on ports 80, 443, 8080, 8443.
    ssl_context
        Verifying TLS context (see :func:`make_ssl_context`); built once if not given.
    limits
        ``max_connections`` is per origin; ``max_keepalive_connections`` is how many origins
        keep idle connections (``0``: every connection closes after its response, which suits
        checking many sites once each).

    Examples
    --------
    >>> transport = SafeTransport(resolver=Resolver(["127.0.0.1:5353"]))
    >>> async with httpx.AsyncClient(transport=transport) as client:  # doctest: +SKIP
    ...     await client.get("http://169.254.169.254/")
    Traceback (most recent call last):
    BlockedAddressError: Refused http://169.254.169.254/: ... cloud metadata service ...
    """

    def __init__(
        self,
        *,
        resolver: Resolver | None = None,
        policy: NetworkPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
        limits: httpx.Limits = DEFAULT_LIMITS,
    ) -> None:
        self._own_resolver = resolver is None  # closed with the transport
        self.guard = Guard(resolver or Resolver(), policy)
        self._ssl_context = ssl_context or make_ssl_context()
        self._ssl_context.set_alpn_protocols(["http/1.1"])  # as httpcore sets on each connect
        self._backend = _PinnedBackend()
        self._limits = limits
        self._max_pools = limits.max_keepalive_connections
        # One small pool per origin: httpcore's pool scans all its connections on every
        # request, which costs O(n) per request when one pool serves thousands of sites.
        self._pools: OrderedDict[tuple[bytes, bytes, int], httpcore.AsyncConnectionPool] = (
            OrderedDict()
        )

    def _pool(self, key: tuple[bytes, bytes, int]) -> httpcore.AsyncConnectionPool:
        pool = self._pools.get(key)
        if pool is None:
            pool = httpcore.AsyncConnectionPool(
                ssl_context=self._ssl_context,
                max_connections=self._limits.max_connections,
                max_keepalive_connections=self._limits.max_connections,
                keepalive_expiry=self._limits.keepalive_expiry,
                network_backend=self._backend,
            )
            self._pools[key] = pool
        self._pools.move_to_end(key)
        return pool

    async def _evict(self) -> None:
        """Close the least recently used pools beyond ``max_keepalive_connections``."""
        if self._max_pools is None:  # no limit
            return
        excess = len(self._pools) - self._max_pools
        for key in list(self._pools)[: max(0, excess)]:
            pool = self._pools[key]
            if all(c.is_idle() for c in pool.connections):
                del self._pools[key]
                await pool.aclose()

    async def _connect(self, origin: httpcore.Origin, request: httpcore.Request) -> Any:
        """A connection of its own to ``origin`` (the pinned address), TLS done if https."""
        timeout = request.extensions.get("timeout", {}).get("connect")
        host = origin.host.decode("ascii")
        stream = await self._backend.connect_tcp(host, origin.port, timeout=timeout)
        if origin.scheme == b"https":
            server_name = request.extensions.get("sni_hostname") or host
            stream = await stream.start_tls(self._ssl_context, server_name, timeout)
        return stream

    async def _send(
        self, core_request: httpcore.Request, origin: httpcore.Origin
    ) -> tuple[httpcore.Response, Callable[[], Awaitable[None]] | None]:
        if self._max_pools == 0:
            # One request per connection: httpcore's connection wrapper (a lock and a pool
            # slot) would only add cost, so the HTTP/1.1 connection is made directly.
            connection = httpcore.AsyncHTTP11Connection(
                origin, await self._connect(origin, core_request)
            )
            try:
                return await connection.handle_async_request(core_request), connection.aclose
            except BaseException:
                await connection.aclose()
                raise
        key = (origin.scheme, origin.host, origin.port)
        response = await self._pool(key).handle_async_request(core_request)
        return response, self._evict

    async def _respond(
        self, pin: Pin, core_request: httpcore.Request, request: httpx.Request | None
    ) -> httpx.Response:
        token = _PIN.set(pin)
        try:
            with _mapped(request):
                response, on_close = await self._send(core_request, core_request.url.origin)
        finally:
            _PIN.reset(token)
        extensions = dict(response.extensions)
        extensions[PIN_EXTENSION] = pin
        extensions[TLS_EXTENSION] = _tls_info(extensions)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream, on_close),
            extensions=extensions,
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        pin = await self.guard.pin(request.url, request=request)
        url = request.url
        core_url = httpcore.URL(
            scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
        )
        core_request = httpcore.Request(
            method=request.method,
            url=core_url,
            headers=request.headers.raw,
            content=request.stream,  # type: ignore[arg-type]
            extensions=request.extensions,
        )
        return await self._respond(pin, core_request, request)

    async def get(
        self,
        url: TargetURL,
        *,
        headers: Sequence[tuple[bytes, bytes]] = (),
        timeout: Mapping[str, float] | None = None,
    ) -> httpx.Response:
        """``GET url`` (a parsed :class:`TargetURL`), checked and pinned as every request is.

        The same as sending an ``httpx.Request`` through this transport, without parsing the
        URL again: for a health check that fetches each site once, that parse is a good part
        of the cost of a request.

        Examples
        --------
        >>> response = await transport.get(parse_url("https://acme.test/"))  # doctest: +SKIP
        >>> response.status_code  # doctest: +SKIP
        200
        """
        pin = await self.guard.pin(url)
        raw_target = _request_target(url)
        authority = url.host.text if url.port is None else f"{url.host.text}:{url.port}"
        core_request = httpcore.Request(
            method=b"GET",
            url=httpcore.URL(
                scheme=url.scheme.encode("ascii"),
                host=pin.host.encode("ascii"),
                port=url.port,
                target=raw_target,
            ),
            headers=[(b"Host", authority.encode("ascii")), *headers],
            extensions={"timeout": dict(timeout or {})},
        )
        return await self._respond(pin, core_request, None)

    async def aclose(self) -> None:
        pools, self._pools = list(self._pools.values()), OrderedDict()
        for pool in pools:
            await pool.aclose()
        if self._own_resolver:
            await self.guard.resolver.aclose()


def safe_async_client(
    *,
    resolver: Resolver | None = None,
    policy: NetworkPolicy | None = None,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float | httpx.Timeout = 10.0,
    follow_redirects: bool = False,
    max_redirects: int = 10,
    headers: Mapping[str, str] | None = None,
) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` over a :class:`SafeTransport`; every hop is checked.

    Environment proxies and ``.netrc`` are ignored (a proxy would be the real peer).

    Examples
    --------
    >>> async with safe_async_client(follow_redirects=True) as client:  # doctest: +SKIP
    ...     response = await client.get("https://example.com/")
    """
    transport = SafeTransport(resolver=resolver, policy=policy, ssl_context=ssl_context)
    return httpx.AsyncClient(
        transport=transport,
        trust_env=False,
        timeout=timeout,
        follow_redirects=follow_redirects,
        max_redirects=max_redirects,
        headers=headers,
    )
