"""The AMS task Lambda: one day's shortlist events in, two metric partitions out.

Event (``schemas/ams_event.json``)::

    {"date": "2025-01-31", "events_dataset": "events/shortlist",
     "output_dataset": "metrics/ams", "engine": "python"}

Input: Parquet files under ``<events_dataset>/date=<date>/`` in the data bucket, with the columns
of :data:`tasks.ams.logic.EVENTS_SCHEMA`. Output: ``<output_dataset>/overall/date=<date>/`` (one
row, :data:`~tasks.ams.logic.OVERALL_SCHEMA`) and ``<output_dataset>/challenges/date=<date>/``
(one row per challenge, :data:`~tasks.ams.logic.CHALLENGE_SCHEMA`); each partition is replaced as
a whole, so re-running a day is idempotent. ``engine="sql"`` computes the same numbers with
``sql/ams_daily_*.sql`` through the sql port (on AWS, Athena reads the ``shortlist_events`` table
the stack defines; locally the dataset is registered under that name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tasks._ports import default_ports
from tasks.ams.logic import (
    CHALLENGE_SCHEMA,
    EVENTS_SCHEMA,
    OVERALL_SCHEMA,
    challenge_metrics,
    impressions,
    metrics_table,
    overall_metrics,
)
from thera_sdk import Ports
from thera_sdk._schemas import check
from thera_sdk.storage import read_dataset, write_partition

__all__ = ["EVENTS_TABLE", "SQL_DIR", "handler"]

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
EVENTS_TABLE = "shortlist_events"
_SAFETY_MS = 10_000  # leave time to write the results after a query


def _remaining_seconds(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return max(1.0, (remaining() - _SAFETY_MS) / 1000)


def _compute_python(ports: Ports, dataset: str, day: str) -> tuple[list[dict[str, Any]], ...]:
    table = read_dataset(ports.objects, ports.settings.data_bucket, dataset, dates=[day])
    items = impressions(table.to_pylist())
    return [overall_metrics(items)], challenge_metrics(items)


def _compute_sql(
    ports: Ports, dataset: str, day: str, timeout: float | None
) -> tuple[list[dict[str, Any]], ...]:
    ports.sql.register_parquet(
        EVENTS_TABLE, ports.settings.data_bucket, f"{dataset}/", schema=EVENTS_SCHEMA
    )
    params = {"day": day}
    overall = ports.sql.query_file(SQL_DIR / "ams_daily_overall.sql", params, timeout=timeout)
    per = ports.sql.query_file(SQL_DIR / "ams_daily_by_challenge.sql", params, timeout=timeout)
    return overall.rows, per.rows


def handler(
    event: dict[str, Any], context: Any = None, *, ports: Ports | None = None
) -> dict[str, Any]:
    """Compute and store one day's AMS; return counts, headline figures and the keys written.

    Parameters
    ----------
    event
        Matches ``schemas/ams_event.json``.
    context
        The Lambda context; its remaining time bounds SQL queries.
    ports
        Storage ports (default: built once from the environment).

    Examples
    --------
    >>> handler({"date": "2025-01-31"}, ports=ports)["matches_shown"]  # doctest: +SKIP
    412
    """
    check("ams_event", event)
    ports = ports or default_ports()
    day = event["date"]
    engine = event.get("engine", "python")
    source = event.get("events_dataset", "events/shortlist")
    target = event.get("output_dataset", "metrics/ams")

    if engine == "sql":
        overall, per = _compute_sql(ports, source, day, _remaining_seconds(context))
    else:
        overall, per = _compute_python(ports, source, day)

    bucket = ports.settings.data_bucket
    keys = {
        "overall": write_partition(
            ports.objects, bucket, f"{target}/overall", day, metrics_table(overall, OVERALL_SCHEMA)
        ),
        "challenges": write_partition(
            ports.objects, bucket, f"{target}/challenges", day,
            metrics_table(per, CHALLENGE_SCHEMA),
        ),
    }  # fmt: skip
    headline = overall[0]
    ports.metrics.put_metric("MatchesShown", headline["matches_shown"], "Count", {"Task": "ams"})
    if headline["ams"] is not None:
        ports.metrics.put_metric("AverageMatchScore", headline["ams"], "None", {"Task": "ams"})
    result = {
        "date": day,
        "engine": engine,
        "matches_shown": int(headline["matches_shown"]),
        "challenges": int(headline["challenges"]),
        "ams": headline["ams"],
        "p50": headline["p50"],
        "p90": headline["p90"],
        "keys": keys,
    }
    check("ams_result", result)
    return result
