"""The test web's HTTP/1.1 servers: one plain, one TLS, both routing by Host header.

A small keep-alive server on asyncio streams is all the sample sites need, and it is cheap
enough to serve thousands of requests a second in the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus

from ._sites import CANARY_HOST, Page, Site

__all__ = ["RequestRecord", "Router", "serve_connection"]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class RequestRecord:
    """One request the web answered."""

    scheme: str
    host: str
    method: str
    path: str


class Router:
    """Chooses the page for a request; keeps a log of the last requests."""

    def __init__(
        self,
        sites: Mapping[str, Site],
        *,
        latency: float,
        canary: Callable[[], str],
        log_size: int = 10_000,
    ) -> None:
        self._sites = sites
        self._latency = latency
        self._canary = canary
        self.log: deque[RequestRecord] = deque(maxlen=log_size)

    def site(self, host: str) -> Site | None:
        """The site for a Host header or SNI name (``www.`` and a port are ignored)."""
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.lower().rstrip(".")
        return self._sites.get(name.removeprefix("www.")) or self._sites.get(name)

    def route(self, scheme: str, method: str, host: str, target: str) -> tuple[Page, float]:
        """The page to send and the seconds to wait first."""
        path = target.split("?", 1)[0] or "/"
        self.log.append(RequestRecord(scheme, host, method, path))
        site = self.site(host)
        if site is None:
            return Page(body="Unknown host", status=421, content_type="text/plain"), 0.0
        delay = self._latency + site.latency
        if scheme == "http" and site.http == "redirect":
            upgrade = f"https://{host.rsplit(':', 1)[0]}{target}"
            return Page(status=301, headers={"Location": upgrade}), delay
        page = site.pages.get(path)
        if page is None:
            return Page(body="Not found", status=404, content_type="text/plain"), delay
        location = page.headers.get("Location")
        if location and CANARY_HOST in location:
            headers = dict(page.headers, Location=location.replace(CANARY_HOST, self._canary()))
            page = Page(page.body, page.status, page.content_type, headers, page.delay)
        return page, delay + page.delay


def _response(page: Page, *, head_only: bool, keep_alive: bool) -> bytes:
    body = page.body.encode() if isinstance(page.body, str) else page.body
    try:
        reason = HTTPStatus(page.status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [
        f"HTTP/1.1 {page.status} {reason}",
        f"Content-Type: {page.content_type}",
        f"Content-Length: {len(body)}",
        "Server: thera-testweb",
        f"Connection: {'keep-alive' if keep_alive else 'close'}",
    ]
    lines += [f"{k}: {v}" for k, v in page.headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head if head_only else head + body


async def serve_connection(
    router: Router, scheme: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    """Answer requests on one connection until the client closes it or asks to."""
    try:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                return
            if len(head) > _MAX_HEAD:
                return
            request_line, *header_lines = head.decode("latin-1").split("\r\n")
            parts = request_line.split(" ")
            if len(parts) != 3:
                writer.write(_response(Page("Bad request", 400), head_only=False, keep_alive=False))
                return
            method, target, version = parts
            headers = {}
            for line in header_lines:
                key, sep, value = line.partition(":")
                if sep:
                    headers[key.strip().lower()] = value.strip()
            length = int(headers.get("content-length", "0") or 0)
            if length:
                await reader.readexactly(length)
            keep_alive = headers.get("connection", "").lower() != "close" and version == "HTTP/1.1"
            page, delay = router.route(scheme, method, headers.get("host", ""), target)
            if delay:
                await asyncio.sleep(delay)
            writer.write(_response(page, head_only=method == "HEAD", keep_alive=keep_alive))
            await writer.drain()
            if not keep_alive:
                return
    except (ConnectionError, ssl.SSLError, asyncio.IncompleteReadError, ValueError):
        return
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
