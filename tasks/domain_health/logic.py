"""The domain health gate: async checks of DNS, HTTP, HTTPS, TLS and content, and a score.

One :class:`HealthChecker` owns a resolver and a safe transport for a whole batch. For each
input line it parses the target the browser way, refuses non-public targets before any
connection, looks up A/AAAA/CNAME/MX, runs the http and https chains side by side (each hop
checked and pinned), describes the certificate, reads at most ``max_body_bytes`` of the home
page, and turns it all into flags with evidence and a score (see ``_scoring``).

Checks run under a semaphore (``concurrency``); every DNS query, connection, read and chain has
its own timeout, and each domain has an overall deadline, so one slow site never holds up the
batch. The handler calls :func:`check_domains` once through ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from tasks.domain_health._chains import ChainResult, fetch_chain, inspect_certificate
from tasks.domain_health._content import ContentReport, analyse_content
from tasks.domain_health._scoring import PENALTIES, assess, score
from thera_sdk.net import (
    BlockedAddressError,
    DnsLookup,
    Guard,
    InvalidTargetError,
    NetworkPolicy,
    ResolutionError,
    Resolver,
    SafeTransport,
    TargetURL,
    classify_address,
    make_ssl_context,
    name_verdict,
    parse_target,
)

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_TIMEOUTS",
    "CheckConfig",
    "HealthChecker",
    "Timeouts",
    "check_domains",
    "unchecked",
]

K = TypeVar("K")
# Finished records that may wait for an earlier, slower line (or a slow reader), per slot of
# concurrency: past that, no new line starts until they are handed on.
WAITING_PER_SLOT = 50
_OUT_OF_TIME = "not checked: the invocation ran out of time"
USER_AGENT = "TheraHealthCheck/0.1 (startup discovery; domain health gate)"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed for each step; ``domain`` bounds everything for one input line."""

    dns: float = 3.0
    connect: float = 5.0
    read: float = 8.0
    chain: float = 15.0
    domain: float = 25.0


DEFAULT_TIMEOUTS = Timeouts()


@dataclass(frozen=True)
class CheckConfig:
    """How the checks run.

    Parameters
    ----------
    concurrency
        Domains checked at once.
    nameservers
        ``HOST:PORT`` strings; ``None`` uses the system resolver configuration.
    policy
        Where connections may go (see :class:`thera_sdk.net.NetworkPolicy`).
    ca_bundle
        PEM file of trusted roots; certifi's if ``None``.
    max_redirects, max_body_bytes
        Limits per chain.
    tls_expiry_days, slow_seconds, min_text_chars
        Thresholds of ``tls_expiring``, ``slow_response`` and ``thin_content``.

    Examples
    --------
    >>> CheckConfig(concurrency=50).timeouts.domain
    25.0
    """

    concurrency: int = 100
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    nameservers: tuple[str, ...] | None = None
    policy: NetworkPolicy = field(default_factory=NetworkPolicy)
    ca_bundle: str | None = None
    max_redirects: int = 10
    max_body_bytes: int = 512 * 1024
    tls_expiry_days: int = 14
    slow_seconds: float = 3.0
    min_text_chars: int = 200
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}.")


DEFAULT_CONFIG = CheckConfig()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _blank(line: str) -> dict[str, Any]:
    return {
        "input": line.strip(),
        "domain": None,
        "url": None,
        "status": "checked",
        "score": 0,
        "flags": [],
        "evidence": {},
        "dns": None,
        "http": None,
        "https": None,
        "tls": None,
        "content": None,
        "error": None,
        "checked_at": _now(),
        "elapsed_ms": 0.0,
    }


def unchecked(line: str, status: str, error: str) -> dict[str, Any]:
    """The record of a line that was not checked (``skipped``, ``error``) and why.

    Examples
    --------
    >>> unchecked("a.test", "skipped", "out of time")["score"]
    0
    """
    record = _blank(line)
    record["status"], record["error"] = status, error
    return record


def _finish(record: dict[str, Any], flags: dict[str, Any], started: float) -> dict[str, Any]:
    record["flags"] = sorted(flags, key=lambda f: (-_severity(f), f))
    record["evidence"] = flags
    record["score"] = score(flags) if record["status"] == "checked" else 0
    record["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return record


def _severity(flag: str) -> int:
    return PENALTIES.get(flag, 0)


class HealthChecker:
    """Checks domains with shared DNS, TLS and connection pools; use as an async context.

    Examples
    --------
    >>> async with HealthChecker(CheckConfig(nameservers=("127.0.0.1:5353",))) as checker:
    ...     record = await checker.check("healthy.test")  # doctest: +SKIP
    >>> record["score"], record["flags"]  # doctest: +SKIP
    (100, [])
    """

    def __init__(self, config: CheckConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.resolver = Resolver(config.nameservers, timeout=config.timeouts.dns)
        # Each site is fetched once: connections close after their response (no idle pool).
        limits = httpx.Limits(max_connections=10, max_keepalive_connections=0)
        self.transport = SafeTransport(
            resolver=self.resolver,
            policy=config.policy,
            ssl_context=make_ssl_context(config.ca_bundle),
            limits=limits,
        )
        self.guard: Guard = self.transport.guard
        t = config.timeouts
        self._timeout = {"connect": t.connect, "read": t.read, "write": t.read, "pool": t.chain}
        self._headers = (
            (b"User-Agent", config.user_agent.encode("ascii", "replace")),
            (b"Accept", b"text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"),
            (b"Accept-Encoding", b"gzip, deflate"),
        )

    async def __aenter__(self) -> HealthChecker:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections and DNS sockets."""
        await self.transport.aclose()
        await self.resolver.aclose()

    async def _chain(self, start: TargetURL, stop_at: str | None = None) -> ChainResult:
        try:
            async with asyncio.timeout(self.config.timeouts.chain):
                return await fetch_chain(
                    self.transport,
                    start,
                    headers=self._headers,
                    timeout=self._timeout,
                    max_redirects=self.config.max_redirects,
                    max_body_bytes=self.config.max_body_bytes,
                    stop_at=stop_at,
                )
        except TimeoutError:
            result = ChainResult(start.scheme, start.url)
            result.error_kind = "timeout"
            result.error = f"the chain took longer than {self.config.timeouts.chain} s"
            return result

    async def _certificate(self, url: TargetURL) -> dict[str, Any] | None:
        try:
            return await inspect_certificate(self.guard, url, self.config.timeouts.connect)
        except (OSError, TimeoutError, ValueError, BlockedAddressError, ResolutionError) as exc:
            return {"error": f"could not read the certificate: {exc}"}

    def _refuse_target(self, record: dict[str, Any], exc: InvalidTargetError) -> dict[str, Any]:
        verdict = classify_address(exc.address) if exc.address is not None else None
        refused = (
            verdict.as_dict()
            if verdict
            else {"address": record["input"], "reason": exc.reason, "detail": str(exc)}
        )
        return {
            "blocked_private_address": {"targets": [{"url": record["input"], "refused": [refused]}]}
        }

    async def _check(self, line: str, record: dict[str, Any]) -> dict[str, Any]:
        config = self.config
        try:
            target = parse_target(line)
        except InvalidTargetError as exc:
            if exc.suspicious or exc.address is not None:
                return self._refuse_target(record, exc)
            record["status"], record["error"] = "invalid", str(exc)
            return {}
        record["domain"], record["url"] = target.host.text, target.url
        https_start = target.with_scheme("https") if target.scheme == "http" else target
        http_start = target.with_scheme("http") if target.scheme == "https" else target
        dns: DnsLookup | None = None
        strict = not config.policy.allow_private_networks
        if target.host.name is not None:
            named = name_verdict(target.host.name)
            if strict and named is not None:
                return {
                    "blocked_private_address": {
                        "targets": [{"url": target.url, "refused": [named.as_dict()]}]
                    }
                }
            dns = await self.resolver.lookup(target.host.name)
            record["dns"] = {
                "status": dns.status,
                "a": list(dns.a),
                "aaaa": list(dns.aaaa),
                "cname": list(dns.cname),
                "mx": list(dns.mx),
                "mx_status": dns.mx_status,
                "error": dns.error or None,
                "elapsed_ms": dns.elapsed_ms,
            }
            if dns.status != "ok":
                return assess(host=target.host.text, dns=dns, http=None, https=None, content=None)
        # The guard refuses non-public targets before any connection: check the start once.
        try:
            await self.guard.pin(target)
        except BlockedAddressError as exc:
            if any(v.reason != "port_not_allowed" for v in exc.verdicts):
                return {"blocked_private_address": {"targets": [exc.evidence()]}}
        except ResolutionError:
            pass  # reported by the chains
        http, https = await asyncio.gather(
            self._chain(http_start, stop_at=https_start.url), self._chain(https_start)
        )
        record["http"], record["https"] = http.as_dict(), https.as_dict()
        certificate = None
        if https.tls_error is not None:
            certificate = await self._certificate(https_start)
        if https.tls is not None:
            record["tls"] = dict(https.tls.as_dict(), valid=True)
        elif https.tls_error is not None:
            record["tls"] = dict(certificate or {}, valid=False, error=https.tls_error)
        content: tuple[ChainResult, ContentReport] | None = None
        for chain in (https, http):
            if chain.body is not None:
                report = analyse_content(chain.body, chain.content_type, truncated=chain.truncated)
                content = (chain, report)
                record["content"] = dict(report.as_dict(), url=chain.final_url)
                break
        return assess(
            host=target.host.text,
            dns=dns,
            http=http,
            https=https,
            content=content,
            certificate=certificate,
            tls_expiry_days=config.tls_expiry_days,
            slow_seconds=config.slow_seconds,
            min_text_chars=config.min_text_chars,
        )

    async def check(self, line: str) -> dict[str, Any]:
        """Check one input line (a domain or an http(s) URL) and return its record.

        Never raises for a bad line or a broken site: the record says what happened
        (``status`` is ``checked``, ``invalid`` or, for a bug, ``error``).

        Examples
        --------
        >>> (await checker.check("nxdomain.test"))["flags"]  # doctest: +SKIP
        ['dns_fail']
        """
        record = _blank(line)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.config.timeouts.domain):
                flags = await self._check(line, record)
        except TimeoutError:
            flags = {
                "timeout": {"domain": f"over {self.config.timeouts.domain} s"},
                "unreachable": {"reason": "the domain deadline passed"},
            }
        except Exception as exc:  # one odd site must not end the batch; the log has the trace
            _log.exception("Checking %r failed unexpectedly", line)
            record["status"] = "error"
            record["error"] = f"internal error ({type(exc).__name__}: {exc}); please report it"
            flags = {}
        return _finish(record, flags, started)

    async def check_each(
        self,
        lines: AsyncIterator[tuple[K, str]],
        done: Callable[[K, dict[str, Any]], None],
        *,
        deadline: float | None = None,
    ) -> None:
        """Check ``(key, line)`` pairs, at most ``concurrency`` at once, calling
        ``done(key, record)`` as each check ends (in the order they end).

        A pair is taken from ``lines`` only when a slot is free, so whoever feeds ``lines``
        decides late what this checker gets, and memory stays flat however many lines come.
        With a ``deadline`` (a ``time.monotonic()`` value), no check starts unless it can
        finish before it; those lines get records with ``status`` ``skipped``. An error
        raised by ``lines`` is raised once the checks already started have ended; an error
        raised by ``done`` stops everything and is raised at once.

        Examples
        --------
        >>> async def pairs():
        ...     yield "first", "a.test"
        >>> await checker.check_each(pairs(), lambda key, record: print(key))  # doctest: +SKIP
        first
        """
        slots = asyncio.Semaphore(self.config.concurrency)
        budget = self.config.timeouts.domain
        failure: BaseException | None = None

        async def one(key: K, line: str) -> None:
            try:
                record = await self.check(line)
            finally:
                slots.release()
            done(key, record)

        try:
            async with asyncio.TaskGroup() as group:
                while True:
                    await slots.acquire()
                    try:
                        key, line = await anext(lines)
                    except StopAsyncIteration:
                        break
                    except Exception as exc:  # reading the input failed: finish what runs
                        failure = exc
                        break
                    if deadline is not None and time.monotonic() + budget > deadline:
                        slots.release()
                        done(key, unchecked(line, "skipped", _OUT_OF_TIME))
                    else:
                        group.create_task(one(key, line))
        except BaseExceptionGroup as group_error:  # ``done`` failed (a closed output, say)
            raise group_error.exceptions[0] from None
        if failure is not None:
            raise failure

    async def check_many(
        self, lines: Iterable[str] | AsyncIterable[str], *, deadline: float | None = None
    ) -> AsyncIterator[tuple[int, dict[str, Any]]]:
        """Check lines with at most ``concurrency`` at once; yields ``(index, record)`` in order.

        ``lines`` may be an async iterable (a queue fed by another process, say). Tasks are
        created as slots free up, and no line starts while ``WAITING_PER_SLOT`` records per
        slot wait for an earlier line or for the reader, so memory stays bounded however long
        ``lines`` is. ``deadline`` is as for :meth:`check_each`; an error raised while reading
        ``lines`` is raised here once the lines read before it have been yielded.

        Examples
        --------
        >>> async for index, record in checker.check_many(["a.test", "b.test"]):  # doctest: +SKIP
        ...     print(index, record["score"])
        """
        reorder = InOrder(limit=WAITING_PER_SLOT * self.config.concurrency)
        async for item in self.check_in_order(
            _numbered(lines, reorder), reorder, deadline=deadline
        ):
            yield item

    async def check_in_order(
        self,
        lines: AsyncIterator[tuple[int, str]],
        reorder: InOrder,
        *,
        deadline: float | None = None,
        others_finished: Callable[[], bool] = lambda: True,
    ) -> AsyncIterator[tuple[int, dict[str, Any]]]:
        """Check numbered lines here and yield every record ``reorder`` gets, in order.

        Records may also reach ``reorder`` from elsewhere (other processes): it ends once these
        checks have ended and ``others_finished()``. An error raised while reading ``lines`` is
        raised once the records before it have been yielded; closing this generator cancels
        the checks still running.
        """
        checking = asyncio.create_task(self.check_each(lines, reorder.put, deadline=deadline))
        checking.add_done_callback(reorder.wake)
        try:
            async for item in reorder.drain(lambda: checking.done() and others_finished()):
                yield item
            checking.result()  # an input error, after the lines read before it
            reorder.check_complete()
        finally:  # before the checker closes: no check may outlive its sockets
            if not checking.done():
                checking.cancel()
                await asyncio.gather(checking, return_exceptions=True)


class InOrder:
    """Records that end in any order, handed on in index order (``0, 1, 2...``).

    With a ``limit``, :meth:`room` waits while that many records are held back.
    """

    def __init__(self, limit: int | None = None) -> None:
        self.waiting: dict[int, dict[str, Any]] = {}
        self.next = 0
        self.limit = limit
        self._arrived = asyncio.Event()
        self._room = asyncio.Event()

    def has_room(self) -> bool:
        """Whether fewer than ``limit`` records are held back."""
        return self.limit is None or len(self.waiting) < self.limit

    async def room(self) -> None:
        """Wait until :meth:`has_room`."""
        while not self.has_room():
            self._room.clear()
            await self._room.wait()

    def put(self, index: int, record: dict[str, Any]) -> None:
        """File the record of line ``index``."""
        self.waiting[index] = record
        self._arrived.set()

    def wake(self, *_: object) -> None:
        """Make :meth:`drain` look again (something it waits for may have changed)."""
        self._arrived.set()

    def check_complete(self) -> None:
        """Raise if a record is still held back by a line that got none (a bug, never a
        silent loss)."""
        if self.waiting:
            raise RuntimeError(f"Line {self.next} got no record; please report it.")

    async def drain(
        self, finished: Callable[[], bool]
    ) -> AsyncIterator[tuple[int, dict[str, Any]]]:
        """Yield records in order as they come, until ``finished()`` says no more will."""
        while True:
            while self.next in self.waiting:
                yield self.next, self.waiting.pop(self.next)
                self.next += 1
                self._room.set()
            if finished():
                return
            self._arrived.clear()
            await self._arrived.wait()


async def _numbered(
    lines: Iterable[str] | AsyncIterable[str], reorder: InOrder
) -> AsyncIterator[tuple[int, str]]:
    index = 0
    if isinstance(lines, AsyncIterable):
        async for line in lines:
            await reorder.room()
            yield index, line
            index += 1
    else:
        for index, line in enumerate(lines):
            await reorder.room()
            yield index, line


async def check_domains(
    lines: Iterable[str], config: CheckConfig = DEFAULT_CONFIG, *, deadline: float | None = None
) -> list[dict[str, Any]]:
    """Check every line and return the records in input order.

    ``deadline`` (``time.monotonic()``) stops new checks in time; see
    :meth:`HealthChecker.check_many`.

    Examples
    --------
    >>> records = asyncio.run(check_domains(["example.com"]))  # doctest: +SKIP
    """
    async with HealthChecker(config) as checker:
        return [record async for _, record in checker.check_many(lines, deadline=deadline)]
