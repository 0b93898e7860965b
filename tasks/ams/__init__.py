"""The AMS task: the daily Average Match Score, overall and per challenge.

``handler`` is the Lambda entry point; the computation is pure and lives in ``logic``, and the
same metrics are written as Athena SQL in ``sql/ams_daily_overall.sql`` and
``sql/ams_daily_by_challenge.sql``. The module docstring of :mod:`tasks.ams.logic` defines which
events count and how percentiles are taken.
"""

from tasks.ams.handler import handler
from tasks.ams.logic import (
    CHALLENGE_SCHEMA,
    EVENTS_SCHEMA,
    OVERALL_SCHEMA,
    PERCENTILES,
    Impression,
    challenge_metrics,
    impressions,
    metrics_table,
    nearest_rank,
    overall_metrics,
)

__all__ = [
    "CHALLENGE_SCHEMA",
    "EVENTS_SCHEMA",
    "OVERALL_SCHEMA",
    "PERCENTILES",
    "Impression",
    "challenge_metrics",
    "handler",
    "impressions",
    "metrics_table",
    "nearest_rank",
    "overall_metrics",
]
