"""Fetching a start URL and following its redirects by hand, one checked hop at a time.

Every hop goes through the :class:`~thera_sdk.net.SafeTransport`, so each target is resolved,
checked and pinned before a connection is made; the chain records each hop (URL, status,
address, Location) and stops at a loop, at too many hops, at a refused target or at an error.
For https, the certificate of the first hop is read from the handshake; when verification
fails, :func:`inspect_certificate` repeats the handshake without verification (to the same
pinned address) only to report what the certificate says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from thera_sdk.net import (
    PIN_EXTENSION,
    TLS_EXTENSION,
    BlockedAddressError,
    Guard,
    InvalidTargetError,
    ResolutionError,
    SafeTransport,
    TargetURL,
    TlsInfo,
    classify_address,
    parse_url,
)

__all__ = ["ChainResult", "Hop", "fetch_chain", "inspect_certificate", "tls_error_of"]

_VERIFY_REASONS = {
    9: "not_yet_valid",
    10: "expired",
    18: "self_signed",
    19: "self_signed_chain",
    20: "untrusted_issuer",
    21: "untrusted_issuer",
    62: "hostname_mismatch",
}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)


@dataclass
class Hop:
    """One request of a chain."""

    url: str
    status: int | None = None
    address: str | None = None
    location: str | None = None
    elapsed_ms: float = 0.0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form, without empty fields."""
        out = {
            "url": self.url,
            "status": self.status,
            "address": self.address,
            "location": self.location,
            "elapsed_ms": self.elapsed_ms,
            "error": self.error,
        }
        return {k: v for k, v in out.items() if v is not None}


@dataclass
class ChainResult:
    """The outcome of one scheme's chain (``http`` or ``https``)."""

    scheme: str
    start_url: str
    hops: list[Hop] = field(default_factory=list)
    final_url: str | None = None
    status: int | None = None
    error_kind: str | None = None
    error: str | None = None
    blocked: list[dict[str, Any]] = field(default_factory=list)
    tls: TlsInfo | None = None
    tls_error: dict[str, Any] | None = None
    body: bytes | None = None
    content_type: str = ""
    truncated: bool = False
    upgraded_to_https: bool = False
    slowest_ms: float = 0.0
    elapsed_ms: float = 0.0

    @property
    def responded(self) -> bool:
        """Whether any hop got an HTTP response."""
        return any(h.status is not None for h in self.hops)

    def as_dict(self) -> dict[str, Any]:
        """JSON-able form (the body is left out)."""
        return {
            "start_url": self.start_url,
            "final_url": self.final_url,
            "status": self.status,
            "hops": [h.as_dict() for h in self.hops],
            "error_kind": self.error_kind,
            "error": self.error,
            "upgraded_to_https": self.upgraded_to_https,
            "elapsed_ms": self.elapsed_ms,
        }


def tls_error_of(exc: BaseException) -> dict[str, Any] | None:
    """The TLS failure inside a connection error, as ``{reason, message, code}``, if any.

    Examples
    --------
    >>> tls_error_of(httpx.ConnectError("refused")) is None
    True
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            code = current.verify_code
            return {
                "reason": _VERIFY_REASONS.get(code, "verify_failed"),
                "message": current.verify_message,
                "code": code,
            }
        if isinstance(current, ssl.SSLError):
            return {
                "reason": "handshake_failed",
                "message": current.reason or str(current),
                "code": None,
            }
        current = current.__cause__ or current.__context__
    return None


async def _read(response: httpx.Response, limit: int) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            return b"".join(chunks)[:limit], True
    return b"".join(chunks), False


def _refused_redirect(exc: InvalidTargetError, location: str) -> dict[str, Any]:
    verdict = classify_address(exc.address) if exc.address is not None else None
    refused = (
        verdict.as_dict()
        if verdict
        else {"address": location, "reason": exc.reason, "detail": str(exc)}
    )
    return {"url": location, "refused": [refused]}


async def fetch_chain(
    transport: SafeTransport,
    start: TargetURL,
    *,
    headers: Sequence[tuple[bytes, bytes]],
    timeout: dict[str, float],
    max_redirects: int,
    max_body_bytes: int,
    stop_at: str | None = None,
) -> ChainResult:
    """Fetch ``start`` and follow redirects (at most ``max_redirects``), checking every hop.

    ``stop_at`` is a URL another chain fetches anyway (the https home page): reaching it by
    redirect ends this chain with ``upgraded_to_https`` set.

    Examples
    --------
    >>> result = await fetch_chain(transport, parse_url("http://healthy.test/"),
    ...                            headers=(), timeout={"connect": 5, "read": 5, "write": 5,
    ...                            "pool": 5}, max_redirects=10, max_body_bytes=2**19,
    ...                            stop_at="https://healthy.test/")  # doctest: +SKIP
    >>> result.upgraded_to_https, [h.status for h in result.hops]  # doctest: +SKIP
    (True, [301])
    """
    started = time.perf_counter()
    result = ChainResult(scheme=start.scheme, start_url=start.url)
    url, visited = start, set()
    for _ in range(max_redirects + 1):
        if url.url in visited:
            result.error_kind, result.error = "redirect_loop", f"{url.url} was already visited"
            break
        visited.add(url.url)
        if stop_at is not None and url.url == stop_at and result.hops:
            result.upgraded_to_https, result.final_url = True, url.url
            break
        hop = Hop(url.url)
        result.hops.append(hop)
        hop_start = time.perf_counter()
        try:
            response = await transport.get(url, headers=headers, timeout=timeout)
        except BlockedAddressError as exc:
            hop.error = str(exc)
            result.blocked.append(exc.evidence())
            result.error_kind, result.error = "blocked", str(exc)
            break
        except ResolutionError as exc:
            hop.error = str(exc)
            result.error_kind, result.error = "dns", str(exc)
            break
        except httpx.TimeoutException as exc:
            hop.error = f"timed out ({type(exc).__name__})"
            result.error_kind, result.error = "timeout", hop.error
            break
        except httpx.HTTPError as exc:
            hop.error = str(exc) or type(exc).__name__
            tls = tls_error_of(exc) if url.scheme == "https" else None
            if tls is not None:
                result.tls_error = dict(tls, url=url.url)
            result.error_kind = (
                "tls" if tls else ("connect" if isinstance(exc, httpx.ConnectError) else "protocol")
            )
            result.error = hop.error
            break
        try:
            hop.status = response.status_code
            pin = response.extensions.get(PIN_EXTENSION)
            hop.address = str(pin.address) if pin is not None else None
            if result.tls is None and url.scheme == "https":
                result.tls = response.extensions.get(TLS_EXTENSION)
            location = response.headers.get("location")
            if 300 <= response.status_code < 400 and location:
                hop.location = location
                hop.elapsed_ms = _ms(hop_start)
                try:
                    url = parse_url(location, base=url)
                except InvalidTargetError as exc:
                    hop.error = str(exc)
                    result.error_kind, result.error = "invalid_redirect", str(exc)
                    if exc.suspicious:
                        result.blocked.append(_refused_redirect(exc, location))
                        result.error_kind = "blocked"
                    break
                continue
            result.body, result.truncated = await _read(response, max_body_bytes)
            result.content_type = response.headers.get("content-type", "")
            result.final_url, result.status = url.url, response.status_code
            hop.elapsed_ms = _ms(hop_start)
            break
        except httpx.TimeoutException:
            hop.error = "timed out reading the body"
            result.error_kind, result.error = "timeout", hop.error
            break
        except httpx.HTTPError as exc:
            hop.error = str(exc) or type(exc).__name__
            result.error_kind, result.error = "protocol", hop.error
            break
        finally:
            await response.aclose()
    else:
        result.error_kind = "too_many_redirects"
        result.error = f"more than {max_redirects} redirects"
    if result.final_url is None and result.hops and result.hops[-1].status is not None:
        result.status = result.hops[-1].status
    result.slowest_ms = max((h.elapsed_ms for h in result.hops), default=0.0)
    result.elapsed_ms = _ms(started)
    return result


_INSPECT = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
_INSPECT.check_hostname = False
_INSPECT.verify_mode = ssl.CERT_NONE  # only to describe a certificate already found invalid


async def inspect_certificate(guard: Guard, url: TargetURL, timeout: float) -> dict[str, Any]:
    """Describe the certificate at ``url`` without verifying it (to the checked address).

    Examples
    --------
    >>> (await inspect_certificate(guard, parse_url("https://expired-cert.test/"), 3.0)
    ...  )["days_to_expiry"] < 0  # doctest: +SKIP
    True
    """
    pin = await guard.pin(url)
    async with asyncio.timeout(timeout):
        _reader, writer = await asyncio.open_connection(
            pin.dial[0], pin.dial[1], ssl=_INSPECT, server_hostname=url.host.name or None
        )
    try:
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True)
        protocol = ssl_object.version()
    finally:
        writer.transport.abort()  # nothing to say to this server; skip the TLS goodbye
    from cryptography import x509  # only for invalid certificates: spare every process its import

    cert = x509.load_der_x509_certificate(der)
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = [str(n) for n in san.get_values_for_type(x509.DNSName)]
    except x509.ExtensionNotFound:
        names = []
    expires = cert.not_valid_after_utc
    return {
        "protocol": protocol,
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": expires.isoformat(),
        "days_to_expiry": (expires - dt.datetime.now(dt.UTC)).days,
        "issuer": cert.issuer.rfc4514_string(),
        "names": names,
    }
