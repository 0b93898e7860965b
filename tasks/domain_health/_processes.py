"""Health checks spread over several processes, one event loop each, results in input order.

One event loop saturates one core at a few hundred checks a second (TLS handshakes, DNS and
HTTP parsing are CPU work), so a long list goes faster over a process per core. The calling
process checks lines itself and starts ``processes - 1`` helpers. Lines are dealt as room
frees up: each helper is kept a small window of lines ahead, and the caller's own checker
takes the next line whenever one of its slots is free, so a helper held up by slow sites
simply gets fewer lines. Records come back tagged with their index and are handed on in
input order.

A helper that dies does not lose lines: every line it was sent and did not answer gets an
``error`` record saying so, to be checked again, and the others carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from tasks.domain_health.logic import (
    WAITING_PER_SLOT,
    CheckConfig,
    HealthChecker,
    InOrder,
    unchecked,
)
from thera_sdk._loop import run

__all__ = ["check_in_processes"]

_LOST = (
    "not checked: its checking process stopped unexpectedly (exit code {code}); "
    "check this line again"
)
# Lines (and their bytes) sent to a helper and not answered yet: enough to keep it busy
# between two top-ups, little enough that a write to its pipe never blocks (64 KiB). A line
# too long for that is checked in this process.
_WINDOW_PER_SLOT = 2
_WINDOW_BYTES = 32 * 1024
_MESSAGE_OVERHEAD = 64  # pickle and length header, generously
_LONG_LINE = _WINDOW_BYTES // 4

Record = dict[str, Any]


def _serve(
    config: CheckConfig,
    inbox: Connection,
    outbox: Connection,
    deadline: float | None,
    inherited: list[Connection],
) -> None:
    """A helper process: check the lines that arrive on ``inbox``, send records to ``outbox``.

    ``inherited`` are the parent's ends of the pipes, copied into a forked helper: closed at
    once, so that the parent's death reads as the end of the input here.
    """
    # Ctrl-C reaches the whole process group: the parent alone handles it (and stops us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for connection in inherited:
        connection.close()
    try:
        run(_check_from(config, inbox, outbox, deadline))
    except (BrokenPipeError, ConnectionResetError):
        return  # the parent has gone (interrupted or closed early): nobody to answer
    outbox.close()


async def _check_from(
    config: CheckConfig, inbox: Connection, outbox: Connection, deadline: float | None
) -> None:
    def answer(index: int, record: Record) -> None:
        outbox.send((index, record))

    async with HealthChecker(config) as checker:
        await checker.check_each(_received(inbox), answer, deadline=deadline)
    outbox.send(None)


async def _received(inbox: Connection) -> AsyncIterator[tuple[int, str]]:
    """The ``(index, line)`` pairs arriving on ``inbox``, read by the event loop (no thread).

    The parent writes each short message in one write, so once ``poll()`` says data is there,
    ``recv()`` does not block; and it never has more than a window of lines out here, so all
    that arrives can be read at once.
    """
    loop = asyncio.get_running_loop()
    fd = inbox.fileno()
    waiting: deque[tuple[int, str]] = deque()
    arrived = asyncio.Event()
    ended = False

    def on_readable() -> None:
        nonlocal ended
        while not ended and inbox.poll():
            try:
                item = inbox.recv()
            except (EOFError, OSError):
                item = None
            if item is None:
                ended = True
                loop.remove_reader(fd)
            else:
                waiting.append(item)
        arrived.set()

    loop.add_reader(fd, on_readable)
    try:
        while waiting or not ended:
            if waiting:
                yield waiting.popleft()
            else:
                arrived.clear()
                await arrived.wait()
    finally:
        loop.remove_reader(fd)


@dataclass(eq=False)
class _Helper:
    process: Any
    inbox: Connection
    outbox: Connection
    sent: dict[int, str] = field(default_factory=dict)  # dealt and not yet answered
    sent_bytes: int = 0
    broken: bool = False  # its inbox is closed: deal it no more lines
    finished: bool = False  # its outbox is done: no more answers will come

    def has_room(self, window: int) -> bool:
        return (
            not (self.broken or self.finished)
            and len(self.sent) < window
            and self.sent_bytes < _WINDOW_BYTES
        )

    def send(self, index: int, line: str) -> None:
        self.sent[index] = line  # before sending: an answer always finds its line
        self.sent_bytes += _size(line)
        try:
            self.inbox.send((index, line))
        except OSError:  # it is gone; its lines get "lost" records when its outbox ends
            self.broken = True

    def answered(self, index: int) -> None:
        self.sent_bytes -= _size(self.sent.pop(index))

    def end(self) -> None:
        with contextlib.suppress(OSError):
            self.inbox.send(None)

    def lost(self) -> Iterator[tuple[int, Record]]:
        """A record for each line it will never answer (it stopped)."""
        code = self.process.exitcode
        for index, line in self.sent.items():
            yield index, unchecked(line, "error", _LOST.format(code=code))
        self.sent.clear()


def _size(line: str) -> int:
    """What sending ``line`` puts in the pipe, at most."""
    return len(line.encode("utf-8", "surrogatepass")) + _MESSAGE_OVERHEAD


def _single_threaded() -> bool:
    """Whether this process runs one thread, native threads included (Linux)."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` where it is safe, ``spawn`` elsewhere.

    A forked helper starts with everything already imported (a spawned one spends about 0.3 s
    of CPU importing httpx, dnspython and the rest). Forking is safe on Linux in a process with
    no other thread; helpers are started before this process opens any socket. Elsewhere
    (macOS, or with threads running) a fresh interpreter is spawned.
    """
    if sys.platform == "linux" and _single_threaded():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _start(config: CheckConfig, deadline: float | None, others: list[_Helper]) -> _Helper:
    context = _context()
    inbox_reader, inbox = context.Pipe(duplex=False)
    outbox, outbox_writer = context.Pipe(duplex=False)
    forked = context.get_start_method() == "fork"
    inherited = [end for h in others for end in (h.inbox, h.outbox)] + [inbox, outbox]
    process = context.Process(
        target=_serve,
        args=(config, inbox_reader, outbox_writer, deadline, inherited if forked else []),
        name="thera-health-check",
        daemon=True,
    )
    process.start()
    inbox_reader.close()
    outbox_writer.close()
    return _Helper(process, inbox, outbox)


class _Dealer:
    """Hands out the input lines: helpers are topped up to their window, the rest is ours.

    No line is dealt while ``reorder`` holds its limit of records (a slow line or a slow
    reader downstream), so memory stays bounded.
    """

    def __init__(
        self, lines: Iterable[str], helpers: list[_Helper], window: int, reorder: InOrder
    ) -> None:
        self._lines = enumerate(lines)
        self.helpers, self.window, self.reorder = helpers, window, reorder
        self._held: deque[tuple[int, str]] = deque()  # too long to send: checked here
        self.ended = False
        self.error: Exception | None = None

    def _take(self) -> tuple[int, str] | None:
        if self.ended:
            return None
        try:
            return next(self._lines)
        except StopIteration:
            pass
        except Exception as exc:  # reading the input failed: raised once the rest is out
            self.error = exc
        self.ended = True
        for helper in self.helpers:
            helper.end()
        return None

    def top_up(self) -> None:
        for helper in self.helpers:
            while helper.has_room(self.window) and self.reorder.has_room() and not self._held:
                item = self._take()
                if item is None:
                    return
                if _size(item[1]) > _LONG_LINE:
                    self._held.append(item)
                else:
                    helper.send(*item)

    async def ours(self) -> AsyncIterator[tuple[int, str]]:
        """The lines this process checks: asked for when one of its slots is free."""
        while True:
            await self.reorder.room()
            self.top_up()
            item = self._held.popleft() if self._held else self._take()
            if item is None:
                return
            yield item


def _listen(helper: _Helper, reorder: InOrder, dealer: _Dealer) -> Callable[[], None]:
    """The callback that reads ``helper``'s answers when its outbox is readable."""

    def on_readable() -> None:
        while not helper.finished and helper.outbox.poll():
            try:
                message = helper.outbox.recv()
            except (EOFError, OSError):  # it died: every answer it sent has been read
                helper.finished = True
                helper.process.join(1)  # for its exit code; it has closed its end
                for index, record in helper.lost():
                    reorder.put(index, record)
                break
            if message is None:
                helper.finished = True
                break
            index, record = message
            helper.answered(index)
            reorder.put(index, record)
        if helper.finished:
            asyncio.get_running_loop().remove_reader(helper.outbox.fileno())
            reorder.wake()
        dealer.top_up()

    return on_readable


async def check_in_processes(
    lines: Iterable[str],
    config: CheckConfig,
    *,
    processes: int,
    deadline: float | None = None,
) -> AsyncIterator[tuple[int, Record]]:
    """Check ``lines`` here and in ``processes - 1`` helper processes; yields
    ``(index, record)`` in input order.

    ``config.concurrency`` is shared out between the processes; ``deadline`` is as for
    :meth:`HealthChecker.check_each`. Helpers start with the first ``anext()`` and stop when
    the iterator is exhausted or closed. An error raised while reading ``lines`` is raised
    here once the lines read before it have been yielded.

    Examples
    --------
    >>> async for index, record in check_in_processes(["a.test"], config, processes=2):
    ...     print(index, record["status"])  # doctest: +SKIP
    0 checked
    """
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}.")
    share = replace(config, concurrency=max(1, -(-config.concurrency // processes)))
    loop = asyncio.get_running_loop()
    helpers: list[_Helper] = []
    reorder = InOrder(limit=WAITING_PER_SLOT * config.concurrency)
    try:
        for _ in range(processes - 1):
            helpers.append(_start(share, deadline, helpers))
        dealer = _Dealer(lines, helpers, _WINDOW_PER_SLOT * share.concurrency, reorder)
        for helper in helpers:
            loop.add_reader(helper.outbox.fileno(), _listen(helper, reorder, dealer))
        async with HealthChecker(share) as checker:
            async for item in checker.check_in_order(
                dealer.ours(),
                reorder,
                deadline=deadline,
                others_finished=lambda: all(helper.finished for helper in helpers),
            ):
                yield item
        if dealer.error is not None:
            raise dealer.error
    finally:
        for helper in helpers:
            loop.remove_reader(helper.outbox.fileno())
            if helper.finished:
                helper.process.join(1)  # it said it is done: let it exit on its own
            if helper.process.is_alive():
                helper.process.terminate()
        for helper in helpers:
            helper.process.join(10)
            helper.inbox.close()
            helper.outbox.close()
