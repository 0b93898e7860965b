"""The one-method fetch interface the direct scraper needs, and its implementation over the
SSRF-safe client of :mod:`thera_sdk.net`.

A fetcher GETs a URL (following redirects, each hop checked by the safe transport) and returns
the final page, reading at most ``max_bytes``. It raises :class:`ScrapeError` subclasses:
:class:`BlockedAddressError` when a hop leads to a non-public address, :class:`ScrapeTimeoutError`,
:class:`ScrapeRequestError` for DNS and network errors.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Protocol

import httpx

from thera_sdk import net
from thera_sdk.scrape._exceptions import (
    BlockedAddressError,
    ScrapeRequestError,
    ScrapeTimeoutError,
)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_USER_AGENT",
    "FetchedPage",
    "Fetcher",
    "HttpxFetcher",
    "safe_fetcher",
]

DEFAULT_USER_AGENT = "TheraBot/0.1 (startup discovery; +https://thera.invalid/bot)"
DEFAULT_MAX_BYTES = 3 * 1024 * 1024


@dataclass(frozen=True)
class FetchedPage:
    """A fetched resource: the ``url`` it ended at, status, content type and decoded text."""

    url: str
    status_code: int
    content_type: str
    text: str
    truncated: bool = False


class Fetcher(Protocol):
    """Anything that can GET a URL for the direct scraper."""

    async def fetch(self, url: str, *, timeout: float) -> FetchedPage:
        """GET ``url`` (following redirects) within ``timeout`` seconds."""
        ...


class HttpxFetcher:
    """A :class:`Fetcher` over an ``httpx.AsyncClient`` (in production, the safe client).

    Parameters
    ----------
    client
        The client to send requests with; it must follow redirects itself if wanted.
    user_agent
        Sent with every request (robots.txt rules are matched against it too).
    max_bytes
        Bytes of a body read at most; the rest is dropped and ``truncated`` set.
    resolver
        A resolver this fetcher owns and closes in :meth:`aclose` (its sockets belong to the
        event loop); leave it ``None`` for a resolver shared with others.
    guard
        The SSRF guard of the client's transport, for :meth:`check_public`.

    Examples
    --------
    >>> fetcher = HttpxFetcher(httpx.AsyncClient())
    >>> page = await fetcher.fetch("https://acme.io/", timeout=10)  # doctest: +SKIP
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        resolver: net.Resolver | None = None,
        guard: net.Guard | None = None,
    ) -> None:
        self.client = client
        self._resolver = resolver
        self._guard = guard
        self.user_agent = user_agent
        self._headers = {"User-Agent": user_agent,
                         "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"}
        self._max_bytes = max_bytes

    async def aclose(self) -> None:
        """Close the client (and the resolver this fetcher owns); call before the loop ends."""
        try:
            await self.client.aclose()
        finally:
            if self._resolver is not None:
                await self._resolver.aclose()

    async def __aenter__(self) -> HttpxFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def check_public(self, url: str) -> None:
        """Resolve ``url``'s host and raise :class:`BlockedAddressError` unless it is public.

        For URLs handed to a remote scraper (Firecrawl): a line pointing into private space is
        refused the same way whatever the backend. Without a guard nothing is checked.
        """
        if self._guard is None:
            return
        try:
            await self._guard.pin(url)
        except net.BlockedAddressError as exc:
            raise BlockedAddressError(str(exc)) from exc
        except net.InvalidTargetError as exc:
            raise BlockedAddressError(f"{url} was refused: {exc}") from exc
        except net.ResolutionError as exc:
            raise ScrapeRequestError(
                f"{exc.name} does not resolve ({exc.kind}); check the domain.",
                reason=f"dns_{exc.kind}",
            ) from exc

    async def fetch(self, url: str, *, timeout: float) -> FetchedPage:
        """GET ``url`` and read up to ``max_bytes`` of it."""
        try:
            async with self.client.stream(
                "GET", url, headers=self._headers, timeout=timeout
            ) as response:
                body, truncated = await self._read(response)
                return FetchedPage(
                    url=str(response.url),
                    status_code=response.status_code,
                    content_type=response.headers.get("content-type", ""),
                    text=body.decode(response.encoding or "utf-8", errors="replace"),
                    truncated=truncated,
                )
        except net.BlockedAddressError as exc:
            raise BlockedAddressError(str(exc)) from exc
        except net.InvalidTargetError as exc:
            if exc.suspicious:
                raise BlockedAddressError(f"{url} was refused: {exc}") from exc
            raise ScrapeRequestError(f"Cannot fetch {url}: {exc}", reason="invalid_url") from exc
        except net.ResolutionError as exc:
            raise ScrapeRequestError(
                f"{exc.name} does not resolve ({exc.kind}); check the domain.",
                reason=f"dns_{exc.kind}",
            ) from exc
        except httpx.TimeoutException as exc:
            raise ScrapeTimeoutError(f"{url} did not answer within {timeout:.0f} s.") from exc
        except httpx.TooManyRedirects as exc:
            raise ScrapeRequestError(
                f"{url} redirects too many times (a loop?); check the site.",
                reason="redirect_loop",
            ) from exc
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise ScrapeRequestError(f"Cannot fetch {url}: {exc}", reason="invalid_url") from exc
        except (httpx.TransportError, httpx.DecodingError, ssl.SSLError) as exc:
            reason = "tls_error" if "CERTIFICATE" in str(exc).upper() else "connect_error"
            raise ScrapeRequestError(
                f"Could not fetch {url}: {type(exc).__name__}: {exc}", reason=reason
            ) from exc

    async def _read(self, response: httpx.Response) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size >= self._max_bytes:
                return b"".join(chunks)[: self._max_bytes], True
        return b"".join(chunks), False


def safe_fetcher(
    *,
    nameservers: list[str] | None = None,
    policy: net.NetworkPolicy | None = None,
    ssl_context: ssl.SSLContext | None = None,
    resolver: net.Resolver | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = 10,
) -> HttpxFetcher:
    """A fetcher over :func:`thera_sdk.net.safe_async_client`: public addresses only, every
    redirect hop checked, sockets pinned to the checked address.

    Parameters
    ----------
    nameservers
        ``"HOST:PORT"`` DNS servers (the test web's); the system's when ``None``.
    policy
        The network policy; ``NetworkPolicy(allow_private_networks=True)`` is for tests and the
        local demo only.
    ssl_context
        TLS trust (the test web's CA in tests); the system roots when ``None``.
    resolver
        A resolver to share (``nameservers`` is ignored then; the caller closes it).

    Examples
    --------
    >>> async with safe_fetcher() as fetcher:  # doctest: +SKIP
    ...     page = await fetcher.fetch("https://acme.io/", timeout=10)
    """
    owned = None
    if resolver is None:
        owned = resolver = net.Resolver(nameservers) if nameservers else net.Resolver()
    transport = net.SafeTransport(resolver=resolver, policy=policy, ssl_context=ssl_context)
    # As net.safe_async_client, keeping the transport's guard for check_public().
    client = httpx.AsyncClient(
        transport=transport, trust_env=False, follow_redirects=True, max_redirects=max_redirects
    )
    return HttpxFetcher(
        client, user_agent=user_agent, max_bytes=max_bytes, resolver=owned, guard=transport.guard
    )
