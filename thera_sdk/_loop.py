"""Event loops for the network-bound commands: uvloop where it is installed, asyncio otherwise.

uvloop runs the health checks and the test web with about a tenth less CPU per check (its
transports and TLS layer are compiled). It is declared for Linux and macOS only; elsewhere, or
with ``THERA_UVLOOP=0``, the standard loop is used and nothing else changes.

:func:`run` also runs the cyclic garbage collector less often while it runs (see
:func:`fewer_collections`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["fewer_collections", "loop_factory", "new_event_loop", "run"]

# Allocations between two young-generation passes of the cyclic collector (Python's is 700).
YOUNG_THRESHOLD = 5000

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """The function that makes a new loop: ``uvloop.new_event_loop`` when available and wanted.

    Examples
    --------
    >>> callable(loop_factory())
    True
    """
    if os.environ.get("THERA_UVLOOP", "1").strip().lower() not in {"0", "false", "no", "off"}:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop
    return asyncio.new_event_loop


def new_event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop from :func:`loop_factory` (for a loop run on a thread of its own)."""
    return loop_factory()()


class _Collector:
    """Who has asked for fewer collections: the first sets them up, the last puts them back
    (runs may overlap on several threads)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.before: tuple[int, ...] = (700, 10, 10)
        self.froze = False

    def enter(self, threshold: int) -> None:
        with self.lock:
            if self.users == 0:
                self.before = gc.get_threshold()
                self.froze = gc.get_freeze_count() == 0
                if self.froze:
                    gc.freeze()
                gc.set_threshold(threshold, *self.before[1:])
            self.users += 1

    def leave(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users == 0:
                gc.set_threshold(*self.before)
                if self.froze:
                    gc.unfreeze()


_COLLECTOR = _Collector()


@contextlib.contextmanager
def fewer_collections(threshold: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Run the cyclic garbage collector less often inside the block, as it was after it.

    A health check or a scrape allocates thousands of short-lived objects that reference
    counting frees at once; at Python's default threshold the collector walks the young
    objects every few hundred microseconds and finds next to nothing, and its full passes walk
    every module and class loaded. So the objects that exist before the block are frozen out of
    its passes (unless the caller froze some already) and young passes come less often. Blocks
    may nest or overlap on threads: the outermost one decides, and the last to end restores.

    Examples
    --------
    >>> with fewer_collections(10_000):
    ...     gc.get_threshold()[0]
    10000
    """
    _COLLECTOR.enter(threshold)
    try:
        yield
    finally:
        _COLLECTOR.leave()


def run(main: Coroutine[Any, Any, T]) -> T:
    """Like :func:`asyncio.run`, on the loop :func:`loop_factory` picks, with
    :func:`fewer_collections`.

    Examples
    --------
    >>> async def answer() -> int:
    ...     return 42
    >>> run(answer())
    42
    """
    with fewer_collections(), asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
