"""Health checks spread over several processes, one event loop each, results in input order.

One event loop saturates one core at a few hundred checks a second (TLS handshakes, DNS and
HTTP parsing are CPU work), so a long list goes faster over a process per core. Lines are dealt
round-robin: line ``i`` goes to worker ``i % n``, each worker answers its lines in the order it
got them, so the parent restores the input order without sorting and without holding more than
the workers have finished ahead of a slow line.

A worker that dies does not lose lines: every line it was sent and did not answer gets an
``error`` record saying so, to be checked again, and the other workers carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import multiprocessing.connection
import signal
import threading
from collections import deque
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from typing import Any

from tasks.domain_health.logic import CheckConfig, HealthChecker, unchecked
from thera_sdk._loop import run

__all__ = ["check_in_processes"]

_LOST = (
    "not checked: its checking process stopped unexpectedly (exit code {code}); "
    "check this line again"
)


def _serve(
    config: CheckConfig, inbox: Connection, outbox: Connection, deadline: float | None
) -> None:
    """A worker process: check the lines that arrive on ``inbox``, send records to ``outbox``."""
    # Ctrl-C reaches the whole process group: the parent alone handles it (and stops us).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        run(_check_from(config, inbox, outbox, deadline))
    except (BrokenPipeError, ConnectionResetError):
        return  # the parent has gone (interrupted or closed early): nobody to answer
    outbox.close()


async def _check_from(
    config: CheckConfig, inbox: Connection, outbox: Connection, deadline: float | None
) -> None:
    async with HealthChecker(config) as checker:
        async for _, record in checker.check_many(_received(inbox, 2 * config.concurrency),
                                                  deadline=deadline):  # fmt: skip
            outbox.send(record)
    outbox.send(None)


async def _received(inbox: Connection, limit: int) -> AsyncIterator[str]:
    """The lines arriving on ``inbox``, read by the event loop (no thread), ``limit`` ahead.

    The parent writes each short line in one write, so once ``poll()`` says data is there,
    ``recv()`` does not block. Reading pauses while ``limit`` lines wait, which pushes back
    on the parent through the pipe.
    """
    loop = asyncio.get_running_loop()
    fd = inbox.fileno()
    waiting: deque[str] = deque()
    arrived = asyncio.Event()
    state = {"ended": False, "paused": False}

    def on_readable() -> None:
        while len(waiting) < limit and inbox.poll():
            try:
                line = inbox.recv()
            except (EOFError, OSError):
                line = None
            if line is None:
                state["ended"] = True
                break
            waiting.append(line)
        if state["ended"] or len(waiting) >= limit:
            loop.remove_reader(fd)
            state["paused"] = not state["ended"]
        arrived.set()

    loop.add_reader(fd, on_readable)
    try:
        while True:
            while waiting:
                yield waiting.popleft()
                if state["paused"] and len(waiting) < limit // 2:
                    state["paused"] = False
                    loop.add_reader(fd, on_readable)
            if state["ended"]:
                return
            arrived.clear()
            await arrived.wait()
    finally:
        loop.remove_reader(fd)


@dataclass(eq=False)
class _Worker:
    process: Any
    inbox: Connection
    outbox: Connection
    sent: deque[str] = field(default_factory=deque)  # lines dealt and not yet answered
    answers: deque[dict[str, Any]] = field(default_factory=deque)
    broken: bool = False  # its inbox is closed: deal it no more lines
    finished: bool = False  # its outbox is done: no more answers will come

    def lost(self) -> dict[str, Any]:
        code = self.process.exitcode
        return unchecked(self.sent.popleft(), "error", _LOST.format(code=code))


def _start(config: CheckConfig, deadline: float | None) -> _Worker:
    context = multiprocessing.get_context("spawn")  # no fork of a process that has threads
    inbox_reader, inbox = context.Pipe(duplex=False)
    outbox, outbox_writer = context.Pipe(duplex=False)
    process = context.Process(
        target=_serve,
        args=(config, inbox_reader, outbox_writer, deadline),
        name="thera-health-check",
        daemon=True,
    )
    process.start()
    inbox_reader.close()
    outbox_writer.close()
    return _Worker(process, inbox, outbox)


class _Feeder(threading.Thread):
    """Deals the lines round-robin (a thread: a full pipe blocks until its worker reads)."""

    def __init__(self, lines: Iterable[str], workers: list[_Worker]) -> None:
        super().__init__(name="health-feeder", daemon=True)
        self.lines, self.workers = lines, workers
        self.done = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        workers = self.workers
        try:
            for index, line in enumerate(self.lines):
                worker = workers[index % len(workers)]
                worker.sent.append(line)  # before sending: an answer always finds its line
                if not worker.broken:
                    try:
                        worker.inbox.send(line)
                    except OSError:  # the worker is gone; its lines get "lost" records
                        worker.broken = True
        except BaseException as exc:  # reading the input failed: the caller re-raises it
            self.error = exc
        finally:
            for worker in workers:
                with contextlib.suppress(OSError):
                    worker.inbox.send(None)
            self.done.set()


def _receive(workers: list[_Worker], timeout: float) -> None:
    """Wait up to ``timeout`` for messages from the running workers and file them."""
    running = {worker.outbox: worker for worker in workers if not worker.finished}
    for conn in multiprocessing.connection.wait(list(running), timeout=timeout):
        worker = running[conn]  # type: ignore[index]
        try:
            message = conn.recv()  # type: ignore[union-attr]
        except (EOFError, OSError):  # died: every answer it sent has been read by now
            worker.finished = True
            worker.process.join(5)
            continue
        if message is None:
            worker.finished = True
        else:
            worker.answers.append(message)


def check_in_processes(
    lines: Iterable[str],
    config: CheckConfig,
    *,
    processes: int,
    deadline: float | None = None,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Check ``lines`` over ``processes`` worker processes; yields ``(index, record)`` in order.

    ``config.concurrency`` is shared out between the workers; ``deadline`` is as for
    :meth:`HealthChecker.check_many`. Workers start with the first ``next()`` and stop when
    the iterator is exhausted or closed. An error raised while reading ``lines`` is raised
    here once the lines read before it have been yielded.

    Examples
    --------
    >>> for index, record in check_in_processes(["a.test"], config, processes=2):
    ...     print(index, record["status"])  # doctest: +SKIP
    0 checked
    """
    if processes < 1:
        raise ValueError(f"processes must be at least 1, got {processes}.")
    share = replace(config, concurrency=max(1, -(-config.concurrency // processes)))
    workers: list[_Worker] = []
    index = 0
    try:
        for _ in range(processes):
            workers.append(_start(share, deadline))
        feeder = _Feeder(lines, workers)
        feeder.start()
        while True:
            worker = workers[index % processes]
            if worker.answers:
                worker.sent.popleft()
                yield index, worker.answers.popleft()
            elif worker.finished and worker.sent:  # it stopped before answering
                yield index, worker.lost()
            elif worker.finished and feeder.done.is_set():
                break  # dealt round-robin: this worker has no line ``index``, so none is left
            else:
                _receive(workers, 0.05 if worker.finished else 1.0)
                continue
            index += 1
        if feeder.error is not None:
            raise feeder.error
    finally:
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in workers:
            worker.process.join(10)
            worker.inbox.close()
            worker.outbox.close()
