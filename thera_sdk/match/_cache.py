"""A value kept in memory per warm process, reloaded when the version its pointer names changes.

The matcher index and the model each have a small pointer object (``current.json``). Reading
the pointer is cheap, loading the value is not, so the pointer is read at most once every
``refresh_seconds`` and the value reloaded only when the version differs. If a new version
cannot be loaded, the process keeps serving the version it has (and logs why) and tries again
after the next interval; with nothing loaded yet, the error is raised.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from thera_sdk._exceptions import TheraError

__all__ = ["DEFAULT_REFRESH_SECONDS", "VersionedCache"]

T = TypeVar("T")
V = TypeVar("V")

DEFAULT_REFRESH_SECONDS = 5.0
_LOG = logging.getLogger(__name__)


class VersionedCache(Generic[V, T]):
    """Hold the value of the current version; check the version at most every few seconds.

    Parameters
    ----------
    read_version
        Returns the version the pointer names now.
    load
        Loads the value of a version.
    refresh_seconds
        Minimum time between two pointer reads; ``0`` reads it on every :meth:`get`.
    clock
        Monotonic seconds (injected so tests need not sleep).

    Examples
    --------
    >>> versions = iter(["v1", "v1", "v2"])
    >>> cache = VersionedCache(lambda: next(versions), lambda v: f"loaded {v}",
    ...                        refresh_seconds=0)
    >>> [cache.get() for _ in range(3)]
    ['loaded v1', 'loaded v1', 'loaded v2']
    >>> cache.loads
    2
    """

    def __init__(
        self,
        read_version: Callable[[], V],
        load: Callable[[V], T],
        *,
        refresh_seconds: float = DEFAULT_REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._read_version = read_version
        self._load = load
        self._refresh = max(0.0, float(refresh_seconds))
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded = False
        self._version: V | None = None
        self._value: T | None = None
        self._checked_at = 0.0
        self.loads = 0

    @property
    def version(self) -> V | None:
        """The version held now (``None`` before the first load)."""
        return self._version

    def get(self) -> T:
        """The value of the current version, loading it if the pointer moved."""
        with self._lock:
            now = self._clock()
            if self._loaded and now - self._checked_at < self._refresh:
                return self._value  # type: ignore[return-value]
            version = self._read_version()
            self._checked_at = now
            if not self._loaded or version != self._version:
                try:
                    value = self._load(version)
                except TheraError:
                    if not self._loaded:
                        raise
                    # a broken new version must not take down a process serving the old one
                    _LOG.warning(
                        "Cannot load version %r; still serving %r.", version, self._version,
                        exc_info=True,
                    )
                    return self._value  # type: ignore[return-value]
                self._value, self._version, self._loaded = value, version, True
                self.loads += 1
            return self._value  # type: ignore[return-value]

    def clear(self) -> None:
        """Forget the value; the next :meth:`get` loads again."""
        with self._lock:
            self._loaded, self._version, self._value = False, None, None
