"""Clocks for the local engine: the system clock, and a virtual one so tests never sleep."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What the engine needs of time: the current instant, and a wait that can be cut short."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None: ...


class SystemClock:
    """Real time. ``sleep`` returns early when ``cancel`` is set (an aborted run)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if seconds <= 0:
            return
        if cancel is None:
            time.sleep(seconds)
        else:
            cancel.wait(seconds)


class VirtualClock:
    """Time that moves only when the engine waits: Wait states and retries finish at once.

    Parameters
    ----------
    start
        The instant the clock shows first (UTC). Defaults to the real current time.

    Examples
    --------
    >>> clock = VirtualClock(datetime(2026, 1, 1, tzinfo=UTC))
    >>> clock.sleep(90)
    >>> clock.now().isoformat()
    '2026-01-01T00:01:30+00:00'
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start if start is not None else datetime.now(UTC)
        self._lock = threading.Lock()
        self.slept = 0.0  # total seconds waited, for tests that check backoff

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def sleep(self, seconds: float, cancel: threading.Event | None = None) -> None:
        if seconds <= 0:
            return
        with self._lock:
            self._now += timedelta(seconds=seconds)
            self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Move the clock forward without a wait (to make a timestamp pass)."""
        self.sleep(seconds)
