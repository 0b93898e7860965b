"""httpcore network streams on a plain asyncio protocol.

httpcore's default (AnyIO) backend opens a cancel scope around every read and write, and
asyncio's streams add a reader, a writer and a timeout object to each call; when one process
checks hundreds of sites a second that bookkeeping costs more than the TLS handshake. Here one
:class:`asyncio.Protocol` buffers what arrives, a read that finds data returns it at once, and a
read or write that must wait arms one timer. TLS is ``loop.start_tls`` on the same protocol.
Errors become httpcore's exception classes, keeping the original as ``__cause__``.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

__all__ = ["AsyncioBackend"]

# Reading pauses while this much has arrived and not been read (the server waits, not memory).
_HIGH_WATER = 2**17


class _Protocol(asyncio.Protocol):
    """Buffers incoming bytes and wakes the one task waiting to read or to write."""

    def __init__(self) -> None:
        self.transport: Any = None
        self.buffer = bytearray()
        self.eof = False
        self.error: BaseException | None = None
        self.reading_paused = False
        self.writing_paused = False
        self.waiter: asyncio.Future[bool] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if len(self.buffer) > _HIGH_WATER and not self.reading_paused:
            self.reading_paused = True
            self.transport.pause_reading()
        self._wake()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake()
        return False  # close the transport: a response is never followed by our writes

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self._wake()

    def pause_writing(self) -> None:
        self.writing_paused = True

    def resume_writing(self) -> None:
        self.writing_paused = False
        self._wake()

    def readable(self) -> bool:
        """Whether a read would return at once (data, or the end of the stream)."""
        return bool(self.buffer) or self.eof

    def writable(self) -> bool:
        """Whether the transport takes more (or the connection is gone, which writes report)."""
        return not self.writing_paused or self.eof

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    async def wait(self, timeout: float | None) -> bool:
        """Wait for news (data, EOF, a drained buffer); ``False`` if ``timeout`` passed first."""
        loop = asyncio.get_running_loop()
        waiter = self.waiter = loop.create_future()
        timer = (
            None
            if timeout is None
            else loop.call_later(timeout, lambda: waiter.done() or waiter.set_result(False))
        )
        try:
            return await waiter
        finally:
            self.waiter = None
            if timer is not None:
                timer.cancel()


async def _until(protocol: _Protocol, ready: Callable[[], bool], timeout: float | None) -> bool:
    """Wait until ``ready()``; ``False`` if ``timeout`` seconds pass first."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout is None else loop.time() + timeout
    while not ready():
        left = None if deadline is None else deadline - loop.time()
        if (left is not None and left <= 0) or not await protocol.wait(left):
            return False
    return True


class _Stream(httpcore.AsyncNetworkStream):
    def __init__(self, protocol: _Protocol) -> None:
        self._protocol = protocol

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        protocol = self._protocol
        if not protocol.readable() and not await _until(protocol, protocol.readable, timeout):
            raise httpcore.ReadTimeout(f"no data within {timeout} s")
        if protocol.buffer:
            if len(protocol.buffer) <= max_bytes:
                data = bytes(protocol.buffer)
                protocol.buffer.clear()
            else:
                data = bytes(protocol.buffer[:max_bytes])
                del protocol.buffer[:max_bytes]
            if protocol.reading_paused and len(protocol.buffer) < _HIGH_WATER // 2:
                protocol.reading_paused = False
                protocol.transport.resume_reading()
            return data
        if protocol.error is not None:
            error = protocol.error
            raise httpcore.ReadError(str(error) or type(error).__name__) from error
        return b""  # the server closed the connection

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        protocol = self._protocol
        if protocol.error is not None or protocol.transport.is_closing():
            error = protocol.error or ConnectionResetError("the connection is closed")
            raise httpcore.WriteError(str(error) or type(error).__name__) from error
        protocol.transport.write(buffer)
        if not protocol.writable() and not await _until(protocol, protocol.writable, timeout):
            raise httpcore.WriteTimeout(f"could not send within {timeout} s")
        if protocol.error is not None:
            raise httpcore.WriteError(str(protocol.error)) from protocol.error

    async def aclose(self) -> None:
        transport = self._protocol.transport
        if not transport.is_closing():
            # No goodbye round trip: the response has been read, nothing more is expected.
            transport.abort()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        protocol = self._protocol
        loop = asyncio.get_running_loop()
        try:
            if protocol.readable() or protocol.error or protocol.transport.is_closing():
                # Closed (or talking) before the handshake: there is nothing to wrap.
                raise ConnectionResetError("the server closed the connection before TLS began")
            async with asyncio.timeout(timeout):  # start_tls's own timer misses some closes
                transport = await loop.start_tls(
                    protocol.transport,
                    protocol,
                    ssl_context,
                    server_hostname=server_hostname,
                    ssl_handshake_timeout=timeout,
                )
            if transport is None or transport.get_extra_info("ssl_object") is None:
                raise ConnectionResetError("the connection closed during the TLS handshake")
            protocol.transport = transport
        except TimeoutError as exc:
            protocol.transport.abort()
            raise httpcore.ConnectTimeout(f"TLS handshake took longer than {timeout} s") from exc
        except (OSError, ssl.SSLError, ConnectionError) as exc:
            protocol.transport.abort()
            raise httpcore.ConnectError(str(exc) or type(exc).__name__) from exc
        return self

    def get_extra_info(self, info: str) -> Any:
        transport = self._protocol.transport
        if info == "ssl_object":
            return transport.get_extra_info("ssl_object")
        if info == "client_addr":
            return transport.get_extra_info("sockname")
        if info == "server_addr":
            return transport.get_extra_info("peername")
        if info == "socket":
            return transport.get_extra_info("socket")
        if info == "is_readable":
            # An idle keep-alive connection is "readable" when the server has closed it.
            return self._protocol.eof or transport.is_closing()
        return None


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connects with ``loop.create_connection``; only IP literals are dialled (no lookups)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                _transport, protocol = await loop.create_connection(
                    _Protocol,
                    host,
                    port,
                    family=family,
                    flags=socket.AI_NUMERICHOST,  # an address, never a name to resolve
                    local_addr=(local_address, 0) if local_address else None,
                )
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(
                f"no connection to {host}:{port} within {timeout} s"
            ) from exc
        except OSError as exc:
            raise httpcore.ConnectError(
                f"cannot connect to {host}:{port}: {exc.strerror or exc}"
            ) from exc
        sock = protocol.transport.get_extra_info("socket")  # TCP_NODELAY is already set
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
        return _Stream(protocol)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("Unix sockets are not supported.")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
