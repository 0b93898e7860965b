"""Embedding cost: tokens times price, a daily budget guard and the ledger of what was spent.

``cost = tokens / 1000 * price_per_1k``; the default price is Titan Text Embeddings V2
on-demand in us-east-1, $0.00002 per 1,000 input tokens (other regions differ: configure it).

The guard reserves a document's *estimated* cost before it is sent and refuses once the
remaining budget cannot cover the estimate; the reservation is then settled with the tokens the
model billed. Because the estimate errs high (see :func:`~thera_sdk.embed._text.estimate_tokens`),
spending stops before the budget is exceeded, and what was not sent waits for the next run.

The ledger keeps what was spent per UTC day in the parameters port, as JSON
``{"usd": ..., "tokens": ..., "runs": ...}`` under ``/thera/<env>/embeddings/spend/<date>``,
updated with compare-and-set so concurrent runs add up instead of overwriting each other.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from thera_sdk._exceptions import (
    ConditionFailedError,
    DataFormatError,
    ParameterNotFoundError,
    ValidationError,
)
from thera_sdk.storage import ParameterStore

__all__ = ["DEFAULT_PRICE_PER_1K", "CostGuard", "DaySpend", "SpendLedger", "cost_usd"]

DEFAULT_PRICE_PER_1K = 0.00002


def cost_usd(tokens: int, price_per_1k: float = DEFAULT_PRICE_PER_1K) -> float:
    """What ``tokens`` input tokens cost, in US dollars.

    Examples
    --------
    >>> cost_usd(1_000_000)
    0.02
    >>> cost_usd(1500, price_per_1k=0.0001)
    0.00015
    """
    if tokens < 0 or price_per_1k < 0:
        raise ValidationError("tokens and price_per_1k must not be negative.")
    return round(tokens / 1000.0 * price_per_1k, 12)


class CostGuard:
    """Thread-safe budget for one run: reserve before sending, settle after the answer.

    Parameters
    ----------
    budget_usd
        What may be spent today in total (``None``: no limit).
    spent_usd
        What was already spent today, before this run.
    price_per_1k
        Price of 1,000 input tokens.

    Examples
    --------
    >>> guard = CostGuard(budget_usd=0.001, spent_usd=0.0, price_per_1k=0.02)
    >>> guard.reserve(30), guard.reserve(30)
    (True, False)
    >>> guard.settle(30, 25)
    >>> guard.tokens, round(guard.run_cost_usd, 6)
    (25, 0.0005)
    """

    def __init__(
        self,
        budget_usd: float | None,
        spent_usd: float = 0.0,
        price_per_1k: float = DEFAULT_PRICE_PER_1K,
    ) -> None:
        if budget_usd is not None and budget_usd < 0:
            raise ValidationError(f"DAILY_BUDGET must not be negative, got {budget_usd}.")
        self.budget_usd = budget_usd
        self.spent_before_usd = float(spent_usd)
        self.price_per_1k = float(price_per_1k)
        self._reserved = 0.0
        self._tokens = 0
        self._refused = 0
        self._lock = threading.Lock()

    @property
    def run_cost_usd(self) -> float:
        """What this run has spent so far (settled requests only)."""
        return cost_usd(self._tokens, self.price_per_1k)

    @property
    def tokens(self) -> int:
        """Tokens billed to this run so far."""
        return self._tokens

    @property
    def refused(self) -> int:
        """How many reservations were refused."""
        return self._refused

    def remaining_usd(self) -> float | None:
        """Budget left after what was spent and what is reserved (``None``: unlimited)."""
        if self.budget_usd is None:
            return None
        with self._lock:
            used = self.spent_before_usd + self.run_cost_usd + self._reserved
        return max(0.0, self.budget_usd - used)

    def reserve(self, estimated_tokens: int) -> bool:
        """Reserve the cost of ``estimated_tokens``; ``False`` when the budget cannot cover it."""
        needed = cost_usd(max(0, estimated_tokens), self.price_per_1k)
        with self._lock:
            if self.budget_usd is not None:
                used = self.spent_before_usd + self.run_cost_usd + self._reserved
                if used + needed > self.budget_usd + 1e-12:
                    self._refused += 1
                    return False
            self._reserved += needed
            return True

    def settle(self, estimated_tokens: int, billed_tokens: int) -> None:
        """Replace a reservation by what was billed (``billed_tokens=0`` releases it unused)."""
        needed = cost_usd(max(0, estimated_tokens), self.price_per_1k)
        with self._lock:
            self._reserved = max(0.0, self._reserved - needed)
            self._tokens += max(0, int(billed_tokens))


@dataclass(frozen=True)
class DaySpend:
    """What was spent on embeddings on one day."""

    date: str
    usd: float = 0.0
    tokens: int = 0
    runs: int = 0


class SpendLedger:
    """Spending per UTC day, kept in the parameters port.

    Examples
    --------
    >>> ledger = SpendLedger(parameters, "/thera/dev/embeddings/spend")  # doctest: +SKIP
    >>> ledger.add("2025-01-31", tokens=1200, usd=0.000024).tokens  # doctest: +SKIP
    1200
    """

    def __init__(self, parameters: ParameterStore, prefix: str, *, attempts: int = 5) -> None:
        self._parameters = parameters
        self._prefix = prefix.rstrip("/")
        self._attempts = attempts

    def _name(self, date: str) -> str:
        return f"{self._prefix}/{date}"

    def get(self, date: str) -> DaySpend:
        """What was spent on ``date`` (zero if nothing was recorded)."""
        spend, _ = self._read(date)
        return spend

    def _read(self, date: str) -> tuple[DaySpend, int]:
        try:
            parameter = self._parameters.get(self._name(date))
        except ParameterNotFoundError:
            return DaySpend(date), 0
        try:
            data = json.loads(parameter.value)
            spend = DaySpend(date, float(data["usd"]), int(data["tokens"]), int(data["runs"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise DataFormatError(
                f"Spend record {self._name(date)!r} is not valid JSON; fix or delete it."
            ) from exc
        return spend, parameter.version

    def add(self, date: str, *, tokens: int, usd: float) -> DaySpend:
        """Add one run's spending to ``date`` (compare-and-set, retried on a concurrent write)."""
        for _ in range(self._attempts):
            current, version = self._read(date)
            updated = DaySpend(
                date, round(current.usd + usd, 12), current.tokens + tokens, current.runs + 1
            )
            value = json.dumps({"usd": updated.usd, "tokens": updated.tokens, "runs": updated.runs})
            try:
                self._parameters.put(self._name(date), value, expected_version=version)
            except ConditionFailedError:
                continue
            return updated
        raise ConditionFailedError(
            f"Spend record {self._name(date)!r} kept changing under {self._attempts} attempts; "
            "re-run the step."
        )
