"""Event loops for the network-bound commands: uvloop where it is installed, asyncio otherwise.

uvloop runs the health checks and the test web with about a tenth less CPU per check (its
transports and TLS layer are compiled). It is declared for Linux and macOS only; elsewhere, or
with ``THERA_UVLOOP=0``, the standard loop is used and nothing else changes.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

__all__ = ["loop_factory", "new_event_loop", "run"]

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


def run(main: Coroutine[Any, Any, T]) -> T:
    """Like :func:`asyncio.run`, on the loop :func:`loop_factory` picks.

    Examples
    --------
    >>> async def answer() -> int:
    ...     return 42
    >>> run(answer())
    42
    """
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
