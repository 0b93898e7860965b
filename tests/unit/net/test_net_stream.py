"""The httpcore streams the safe transport dials with, against plain loopback TCP servers."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator

import httpcore
import pytest

from thera_sdk._loop import run
from thera_sdk.net._stream import AsyncioBackend


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket], None]], int]]:
    """Start a loopback TCP server that hands each connection to ``handler``; its port."""
    listeners: list[socket.socket] = []

    def start(handler: Callable[[socket.socket], None]) -> int:
        listener = socket.create_server(("127.0.0.1", 0))
        listeners.append(listener)

        def accept() -> None:
            while True:
                try:
                    connection, _ = listener.accept()
                except OSError:
                    return
                threading.Thread(target=handler, args=(connection,), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        return listener.getsockname()[1]

    yield start
    for listener in listeners:
        listener.close()


def _plaintext_then_close(connection: socket.socket) -> None:
    with connection:
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi")


def test_tls_on_a_connection_the_server_already_closed_fails_at_once(serve: Callable) -> None:
    # GIVEN a server that answers in plaintext and hangs up before any handshake
    port = serve(_plaintext_then_close)
    context = ssl.create_default_context()

    async def attempt(pause: float) -> tuple[str, float]:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        await asyncio.sleep(pause)  # its bytes and its FIN may or may not be in yet
        started = time.monotonic()
        try:
            async with asyncio.timeout(5):
                await stream.start_tls(context, "example.test", timeout=2)
        except httpcore.ConnectError:
            return "ConnectError", time.monotonic() - started
        except TimeoutError:
            return "hang", time.monotonic() - started
        finally:
            await stream.aclose()
        return "handshake", time.monotonic() - started

    async def attempts() -> list[tuple[str, float]]:
        return [await attempt(pause) for pause in (0, 0.0005, 0.001, 0.002, 0.01) * 6]

    # WHEN TLS is started on it, at different moments of its closing
    outcomes = run(attempts())
    # THEN every attempt is a connect error, long before the handshake timeout
    assert {kind for kind, _ in outcomes} == {"ConnectError"}
    assert max(seconds for _, seconds in outcomes) < 1.0


def test_a_read_with_nothing_to_read_times_out(serve: Callable) -> None:
    port = serve(lambda connection: time.sleep(2) or connection.close())

    async def read() -> bytes:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        try:
            return await stream.read(100, timeout=0.2)
        finally:
            await stream.aclose()

    with pytest.raises(httpcore.ReadTimeout):
        run(read())


def test_a_large_body_arrives_whole_and_in_order_then_eof(serve: Callable) -> None:
    # GIVEN a server that sends 3 MiB at once (far past the point where reading pauses)
    payload = bytes(range(256)) * (3 * 4096)

    def send(connection: socket.socket) -> None:
        with connection:
            connection.sendall(payload)

    port = serve(send)

    async def read_all() -> tuple[bytes, bytes]:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        chunks = []
        try:
            await asyncio.sleep(0.2)  # let the buffer fill and reading pause
            while chunk := await stream.read(65536, timeout=5):
                chunks.append(chunk)
            return b"".join(chunks), await stream.read(10, timeout=1)
        finally:
            await stream.aclose()

    # WHEN it is read in 64 KiB reads
    body, after = run(read_all())
    # THEN every byte arrives once, in order, and the end reads as b""
    assert body == payload
    assert after == b""


def test_writing_to_a_closed_connection_is_a_write_error(serve: Callable) -> None:
    port = serve(lambda connection: connection.close())

    async def write_late() -> None:
        stream = await AsyncioBackend().connect_tcp("127.0.0.1", port, timeout=5)
        try:
            assert await stream.read(10, timeout=2) == b""  # the server hung up
            await stream.write(b"GET / HTTP/1.1\r\n\r\n", timeout=1)
        finally:
            await stream.aclose()

    with pytest.raises(httpcore.WriteError):
        run(write_late())
