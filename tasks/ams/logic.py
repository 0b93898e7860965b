"""Average Match Score (AMS): pure computation over plain rows of shortlist events.

Definitions (the SQL in ``sql/ams_daily_*.sql`` implements exactly the same):

- **Input rows** are shortlist events ``{challenge_id, startup_id, score, action, at}`` of one
  day's partition (``events/shortlist/date=YYYY-MM-DD/``; the logger files an event under the
  UTC date of ``at``).
- **Valid shown event**: ``action == "shown"``, ``challenge_id``, ``startup_id`` and ``at`` not
  null, ``score`` a finite number (null and NaN are left out). Other actions never enter the
  score statistics.
- **Impression**: one per ``(challenge_id, startup_id)`` pair and day. A pair shown several times
  that day (the same challenge re-run) counts once, with the score of its latest shown event
  (greatest ``at``; on equal ``at``, the higher score), so repeated runs do not weigh more.
- **AMS** is the arithmetic mean of the impressions' scores; ``score_min``/``score_max`` their
  extremes.
- **Percentiles are nearest-rank**: with the ``n`` impression scores sorted ascending, ``pP`` is
  the ``k``-th smallest where ``k = ceil(P * n / 100)`` (computed in integers). It is always one
  of the observed scores, so Python and SQL return bit-identical values; Athena's
  ``approx_percentile`` is not used because it is approximate and would differ.
- **shortlisted** counts impressions whose pair also has a valid ``shortlisted`` event the same
  day (``challenge_id``, ``startup_id``, ``at`` not null); ``shortlist_rate = shortlisted /
  matches_shown``.
- **shown_events** counts valid shown events before de-duplication; **challenges** the distinct
  challenges with an impression.
- With no impression, counts are 0 and every statistic is null.

The mean is the one statistic SQL engines may sum in another order: Python and DuckDB agree to a
relative 1e-12, everything else is equal exactly.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

__all__ = [
    "CHALLENGE_SCHEMA",
    "EVENTS_SCHEMA",
    "OVERALL_SCHEMA",
    "PERCENTILES",
    "Impression",
    "challenge_metrics",
    "impressions",
    "metrics_table",
    "nearest_rank",
    "overall_metrics",
]

PERCENTILES = (50, 90, 99)

EVENTS_SCHEMA = pa.schema(
    [
        ("challenge_id", pa.string()),
        ("startup_id", pa.string()),
        ("score", pa.float64()),
        ("action", pa.string()),
        ("at", pa.timestamp("us", tz="UTC")),
    ]
)
_STATS = [
    ("matches_shown", pa.int64()),
    ("shown_events", pa.int64()),
    ("shortlisted", pa.int64()),
    ("shortlist_rate", pa.float64()),
    ("ams", pa.float64()),
    ("score_min", pa.float64()),
    ("score_max", pa.float64()),
    *[(f"p{p}", pa.float64()) for p in PERCENTILES],
]
OVERALL_SCHEMA = pa.schema([_STATS[0], ("challenges", pa.int64()), *_STATS[1:]])
CHALLENGE_SCHEMA = pa.schema([("challenge_id", pa.string()), *_STATS])


@dataclass(frozen=True)
class Impression:
    """One shown ``(challenge_id, startup_id)`` pair of the day, with the score it counts with."""

    challenge_id: str
    startup_id: str
    score: float
    shown_events: int
    shortlisted: bool


def nearest_rank(ordered: Sequence[float], percent: int) -> float | None:
    """The nearest-rank percentile of already sorted values (``None`` when empty).

    Parameters
    ----------
    ordered
        Values sorted ascending.
    percent
        An integer from 1 to 100.

    Examples
    --------
    >>> nearest_rank([0.1, 0.2, 0.3, 0.4], 50), nearest_rank([0.1, 0.2, 0.3, 0.4], 90)
    (0.2, 0.4)
    """
    if not 1 <= percent <= 100:
        raise ValueError(f"percent must be an integer from 1 to 100, got {percent}.")
    if not ordered:
        return None
    rank = -(-percent * len(ordered) // 100)  # ceil in integers: no float rounding at the edges
    return ordered[rank - 1]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _moment(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return None


def impressions(rows: Iterable[Mapping[str, Any]]) -> list[Impression]:
    """The day's impressions (see the module docstring), sorted by challenge and startup.

    Examples
    --------
    >>> at = dt.datetime(2025, 1, 31, 9, tzinfo=dt.UTC)
    >>> rows = [{"challenge_id": "c1", "startup_id": "s1", "score": 0.5, "action": "shown",
    ...          "at": at},
    ...         {"challenge_id": "c1", "startup_id": "s1", "score": 0.7, "action": "shown",
    ...          "at": at + dt.timedelta(hours=1)}]
    >>> impressions(rows)
    [Impression(challenge_id='c1', startup_id='s1', score=0.7, shown_events=2, shortlisted=False)]
    """
    latest: dict[tuple[str, str], tuple[dt.datetime, float]] = {}
    counts: dict[tuple[str, str], int] = {}
    picked: set[tuple[str, str]] = set()
    for row in rows:
        challenge, startup = _text(row.get("challenge_id")), _text(row.get("startup_id"))
        at = _moment(row.get("at"))
        if challenge is None or startup is None or at is None:
            continue
        pair = (challenge, startup)
        action = row.get("action")
        if action == "shortlisted":
            picked.add(pair)
            continue
        score = _score(row.get("score"))
        if action != "shown" or score is None:
            continue
        counts[pair] = counts.get(pair, 0) + 1
        if pair not in latest or (at, score) > latest[pair]:
            latest[pair] = (at, score)
    return [
        Impression(pair[0], pair[1], latest[pair][1], counts[pair], pair in picked)
        for pair in sorted(latest)
    ]


def _statistics(items: Sequence[Impression]) -> dict[str, Any]:
    scores = sorted(item.score for item in items)
    shown = len(scores)
    shortlisted = sum(item.shortlisted for item in items)
    stats: dict[str, Any] = {
        "matches_shown": shown,
        "shown_events": sum(item.shown_events for item in items),
        "shortlisted": shortlisted,
        "shortlist_rate": shortlisted / shown if shown else None,
        "ams": math.fsum(scores) / shown if shown else None,
        "score_min": scores[0] if scores else None,
        "score_max": scores[-1] if scores else None,
    }
    for percent in PERCENTILES:
        stats[f"p{percent}"] = nearest_rank(scores, percent)
    return stats


def overall_metrics(items: Sequence[Impression]) -> dict[str, Any]:
    """The day's metrics over every impression (one row, also for an empty day).

    Examples
    --------
    >>> overall_metrics([])["matches_shown"], overall_metrics([])["ams"]
    (0, None)
    """
    stats = _statistics(items)
    return {
        "matches_shown": stats.pop("matches_shown"),
        "challenges": len({item.challenge_id for item in items}),
        **stats,
    }


def challenge_metrics(items: Sequence[Impression]) -> list[dict[str, Any]]:
    """The day's metrics per challenge, ordered by ``challenge_id``.

    Examples
    --------
    >>> one = Impression("c1", "s1", 0.8, 1, True)
    >>> challenge_metrics([one])[0]["shortlist_rate"]
    1.0
    """
    groups: dict[str, list[Impression]] = {}
    for item in items:
        groups.setdefault(item.challenge_id, []).append(item)
    return [{"challenge_id": key, **_statistics(groups[key])} for key in sorted(groups)]


def metrics_table(rows: Sequence[Mapping[str, Any]], schema: pa.Schema) -> pa.Table:
    """Metric rows as an Arrow table with the fixed output schema (columns in schema order).

    Examples
    --------
    >>> metrics_table([overall_metrics([])], OVERALL_SCHEMA).num_rows
    1
    """
    return pa.Table.from_pylist([{f.name: row.get(f.name) for f in schema} for row in rows],
                                schema=schema)  # fmt: skip
