"""A request quota shared by every worker, kept in the tables port.

Apollo counts requests per minute, hour and day in fixed windows whose alignment we cannot see.
A fixed window of our own could straddle two of theirs and let through twice the limit, so the
limiter is a *sliding* one: at no moment may the last 60 s, 3,600 s or 86,400 s hold more grants
than the limit. Any fixed window is one of those intervals, so no window of Apollo's is ever
exceeded, whatever its alignment.

Grants are counted in buckets (one-second buckets for the minute, one-minute buckets for the
hour and the day) kept in one item. A bucket counts as long as any part of it lies in the
window, which can only over-count: the limiter errs on the safe side, by at most a bucket.

Each grant is a read followed by a conditional put on the item's ``version`` (optimistic
locking): two workers can never both take the last slot. A slot is taken before the request is
sent, and is spent even if the request then fails, as Apollo counts it too.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ConditionFailedError, ThrottledError, ValidationError
from thera_sdk.sources._exceptions import QuotaExhaustedError
from thera_sdk.storage import TableSpec, TableStore

__all__ = ["DEFAULT_QUOTA", "QUOTA_TABLE_SPEC", "Quota", "QuotaLimiter"]

# (window name, window seconds, bucket seconds, item attribute holding the buckets)
_WINDOWS = (("minute", 60, 1, "seconds"), ("hour", 3600, 60, "minutes"),
            ("day", 86400, 60, "minutes"))
# attribute -> (bucket seconds, longest window counted from it)
_BUCKETS = {"seconds": (1, 60), "minutes": (60, 86400)}


@dataclass(frozen=True)
class Quota:
    """Requests allowed per sliding minute, hour and day.

    Examples
    --------
    >>> Quota(per_minute=10, per_hour=100, per_day=500).limit("hour")
    100
    """

    per_minute: int = 50
    per_hour: int = 200
    per_day: int = 600

    def __post_init__(self) -> None:
        for window in ("minute", "hour", "day"):
            if self.limit(window) < 0:
                raise ValidationError(f"The per-{window} quota must be 0 or more.")

    def limit(self, window: str) -> int:
        """The limit of ``window`` (``minute``, ``hour`` or ``day``)."""
        return int(getattr(self, f"per_{window}"))


DEFAULT_QUOTA = Quota()

# The state table: one item per quota (and leases, cursors' errors; see the puller).
QUOTA_TABLE_SPEC = TableSpec("apollo_state", "pk")


def _buckets(item: dict[str, Any], attribute: str) -> dict[int, int]:
    raw = item.get(attribute) or {}
    return {int(k): int(v) for k, v in raw.items()}


def _used(buckets: dict[int, int], now: float, window: int, size: int) -> tuple[int, float]:
    """Grants in the window ending at ``now`` and when the oldest of them stops counting."""
    used, oldest = 0, math.inf
    for start, count in buckets.items():
        if start + size > now - window:
            used += count
            oldest = min(oldest, start + size + window)
    return used, oldest


class QuotaLimiter:
    """Hands out request slots within a :class:`Quota`, shared through a table.

    Parameters
    ----------
    tables
        The tables port; ``table`` must exist with partition key ``pk`` (string).
    table
        The physical table name.
    name
        What the quota is for; workers using the same name share it.
    quota
        The limits.
    clock
        Epoch seconds. Inject it in tests; workers on different machines should have
        synchronised clocks (a clock behind the others only makes the limiter stricter).
    max_conflicts
        Lost optimistic-lock races tolerated for one grant before giving up.

    Examples
    --------
    >>> limiter = QuotaLimiter(tables, "thera-dev-apollo_state", quota=Quota(1, 10, 10),
    ...                        clock=lambda: 1000.0)  # doctest: +SKIP
    >>> limiter.acquire()  # doctest: +SKIP
    >>> limiter.acquire()  # doctest: +SKIP
    Traceback (most recent call last):
    QuotaExhaustedError: ...
    """

    def __init__(
        self,
        tables: TableStore,
        table: str,
        *,
        name: str = "apollo:mixed_companies/search",
        quota: Quota = DEFAULT_QUOTA,
        clock: Callable[[], float] = time.time,
        max_conflicts: int = 200,
    ) -> None:
        self._tables = tables
        self._table = table
        self._key = {"pk": f"quota#{name}"}
        self.name = name
        self.quota = quota
        self._clock = clock
        self._max_conflicts = max_conflicts

    def acquire(self) -> None:
        """Take one slot, or raise :class:`QuotaExhaustedError` (then no slot is taken).

        Examples
        --------
        >>> limiter.acquire()  # doctest: +SKIP
        """
        for _ in range(self._max_conflicts):
            item = self._tables.get_item(self._table, self._key, consistent=True) or {}
            # Never step back in time: a worker whose clock lags counts from the latest grant.
            now = max(self._clock(), float(item.get("last", 0)))
            updated = self._grant(item, now)
            version = int(item.get("version", 0))
            try:
                self._tables.put_item(
                    self._table,
                    {**self._key, **updated, "version": version + 1},
                    condition="attribute_not_exists(pk) OR version = :v",
                    values={":v": version},
                )
            except ConditionFailedError:
                continue  # another worker took a slot meanwhile: look again
            return
        raise ThrottledError(
            f"Could not take a slot of quota {self.name!r} after {self._max_conflicts} "
            "conflicting updates; lower the number of concurrent workers."
        )

    def usage(self) -> dict[str, int]:
        """Slots used in each sliding window right now.

        Examples
        --------
        >>> limiter.usage()  # doctest: +SKIP
        {'minute': 3, 'hour': 40, 'day': 120}
        """
        item = self._tables.get_item(self._table, self._key, consistent=True) or {}
        now = max(self._clock(), float(item.get("last", 0)))
        return {
            window: _used(_buckets(item, attribute), now, seconds, size)[0]
            for window, seconds, size, attribute in _WINDOWS
        }

    def _grant(self, item: dict[str, Any], now: float) -> dict[str, Any]:
        buckets = {attribute: _buckets(item, attribute) for _, _, _, attribute in _WINDOWS}
        for window, seconds, size, attribute in _WINDOWS:
            used, frees_at = _used(buckets[attribute], now, seconds, size)
            if used >= self.quota.limit(window):
                raise QuotaExhaustedError(
                    f"The {window} quota of {self.name} ({self.quota.limit(window)} requests) "
                    f"is spent; a slot frees at epoch {frees_at:.0f}. The run stops here and the "
                    "next run resumes at the same page.",
                    window=window,
                    resets_at=frees_at if math.isfinite(frees_at) else now + seconds,
                )
        updated: dict[str, Any] = {"last": Decimal(str(round(now, 3)))}
        for attribute, (size, keep) in _BUCKETS.items():
            current = buckets[attribute]
            start = int(now // size) * size
            current[start] = current.get(start, 0) + 1
            # Keep only the buckets that can still count for the longest window using them.
            updated[attribute] = {str(k): v for k, v in current.items() if k + size > now - keep}
        return updated
