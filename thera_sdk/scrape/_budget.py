"""A per-run credit budget: credits are reserved before a request is sent, settled after."""

from __future__ import annotations

import threading

from thera_sdk._exceptions import ValidationError
from thera_sdk.scrape._exceptions import CreditBudgetExceededError

__all__ = ["CreditBudget"]


class CreditBudget:
    """How many credits one run may spend; shared by the run's workers (thread-safe).

    A request reserves its worst-case cost first, so concurrent workers can never overspend;
    :meth:`settle` then replaces the reservation with what the service reported.

    Parameters
    ----------
    limit
        Credits the run may spend; ``None`` for no limit.

    Examples
    --------
    >>> budget = CreditBudget(3)
    >>> budget.reserve(2)
    >>> budget.settle(2, 1)
    >>> budget.spent, budget.remaining
    (1, 2)
    """

    def __init__(self, limit: int | None) -> None:
        if limit is not None and limit < 0:
            raise ValidationError(f"The credit budget must be 0 or more, got {limit}.")
        self.limit = limit
        self._lock = threading.Lock()
        self._reserved = 0
        self._spent = 0

    @property
    def spent(self) -> int:
        """Credits the service reported as used (settled reservations)."""
        with self._lock:
            return self._spent

    @property
    def remaining(self) -> int | None:
        """Credits still free (``None`` when unlimited)."""
        with self._lock:
            return None if self.limit is None else self.limit - self._spent - self._reserved

    def reserve(self, credits: int) -> None:
        """Hold ``credits`` for a request; :class:`CreditBudgetExceededError` when they are not
        there (nothing is held then)."""
        if credits < 0:
            raise ValidationError(f"Cannot reserve {credits} credits.")
        with self._lock:
            if self.limit is not None and self._spent + self._reserved + credits > self.limit:
                left = self.limit - self._spent - self._reserved
                raise CreditBudgetExceededError(
                    f"This run's credit budget ({self.limit}) has {left} left, {credits} needed; "
                    "the remaining domains are retried on the next run (or raise the budget)."
                )
            self._reserved += credits

    def settle(self, reserved: int, used: int) -> None:
        """Replace a reservation of ``reserved`` credits by the ``used`` credits actually spent
        (``0`` to release a reservation whose request was never sent)."""
        with self._lock:
            self._reserved = max(0, self._reserved - reserved)
            self._spent += max(0, used)
