"""The AMS SQL (``sql/ams_daily_*.sql``, run through the sql port on DuckDB) and the Python logic
give the same metrics: counts and nearest-rank percentiles exactly, the mean to 1e-12."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.ams import (
    EVENTS_SCHEMA,
    challenge_metrics,
    handler,
    impressions,
    overall_metrics,
)
from tasks.ams.handler import EVENTS_TABLE, SQL_DIR
from thera_sdk import Ports, Settings, build_ports
from thera_sdk.storage import read_dataset, write_partition

DAY = "2025-01-31"
NOON = dt.datetime(2025, 1, 31, 12, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def ports() -> Iterator[Ports]:
    with tempfile.TemporaryDirectory() as home, build_ports(Settings(home=Path(home))) as built:
        built.sql.register_parquet(
            EVENTS_TABLE, built.settings.data_bucket, "events/shortlist/", schema=EVENTS_SCHEMA
        )
        yield built


def _write_events(ports: Ports, rows: list[dict[str, Any]], day: str = DAY) -> None:
    table = pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA)
    write_partition(ports.objects, ports.settings.data_bucket, "events/shortlist", day, table)


def _sql(ports: Ports, name: str, day: str = DAY) -> list[dict[str, Any]]:
    return ports.sql.query_file(SQL_DIR / name, {"day": day}).rows


def _assert_same(python: dict[str, Any], sql: dict[str, Any]) -> None:
    assert set(python) == set(sql)
    for key, value in python.items():
        if key == "ams" and value is not None:
            assert math.isclose(sql[key], value, rel_tol=1e-12), key
        else:
            assert sql[key] == value, key


def _event(challenge: str, startup: str, score: float | None, action: str, minute: int) -> dict:
    return {
        "challenge_id": challenge,
        "startup_id": startup,
        "score": score,
        "action": action,
        "at": NOON + dt.timedelta(minutes=minute),
    }


HAND_WRITTEN = [
    _event("c1", "s1", 0.50, "shown", 0),
    _event("c1", "s1", 0.70, "shown", 5),  # re-shown later: this score counts
    _event("c1", "s2", 0.30, "shown", 1),
    _event("c1", "s2", 0.90, "shown", 1),  # same instant: the higher score counts
    _event("c1", "s3", 0.25, "shown", 2),
    _event("c1", "s3", None, "shortlisted", 3),
    _event("c2", "s1", 0.80, "shown", 4),
    _event("c2", "s4", float("nan"), "shown", 4),  # not a score: left out
    _event("c2", "s5", float("inf"), "shown", 4),
    _event("c2", "s6", 0.60, "dismissed", 4),
    _event("c2", "s7", None, "shortlisted", 4),  # shortlisted but never shown today
    {"challenge_id": None, "startup_id": "s8", "score": 0.4, "action": "shown", "at": NOON},
    {"challenge_id": "c3", "startup_id": "s8", "score": 0.4, "action": "shown", "at": None},
]


def test_hand_written_day_matches_between_python_and_sql(ports: Ports) -> None:
    # GIVEN a day with repeats, ties, NaN/inf scores, other actions and incomplete rows
    _write_events(ports, HAND_WRITTEN)
    items = impressions(HAND_WRITTEN)

    # WHEN both paths compute the day
    overall, per = overall_metrics(items), challenge_metrics(items)

    # THEN the Python figures are the documented ones
    assert overall["matches_shown"] == 4 and overall["shown_events"] == 6
    assert overall["challenges"] == 2 and overall["shortlisted"] == 1
    assert overall["p50"] == 0.7 and overall["p90"] == 0.9 and overall["score_min"] == 0.25
    assert math.isclose(overall["ams"], (0.7 + 0.9 + 0.25 + 0.8) / 4)
    # AND the SQL agrees, row by row
    _assert_same(overall, _sql(ports, "ams_daily_overall.sql")[0])
    sql_rows = _sql(ports, "ams_daily_by_challenge.sql")
    assert [r["challenge_id"] for r in sql_rows] == ["c1", "c2"]
    for mine, theirs in zip(per, sql_rows, strict=True):
        _assert_same(mine, theirs)


def test_empty_day_gives_zero_counts_and_null_statistics(ports: Ports) -> None:
    # GIVEN a day with only non-shown events
    _write_events(ports, [_event("c1", "s1", 0.5, "dismissed", 0)], day="2025-02-01")
    # WHEN / THEN both paths give one overall row of zeros and nulls and no challenge rows
    python = overall_metrics([])
    assert python["matches_shown"] == 0 and python["ams"] is None and python["p90"] is None
    _assert_same(python, _sql(ports, "ams_daily_overall.sql", "2025-02-01")[0])
    assert _sql(ports, "ams_daily_by_challenge.sql", "2025-02-01") == []


# NaN is left to test_nan_scores_are_left_out_when_all_other_scores_are_finite (see there)
scores = st.one_of(
    st.sampled_from([0.0, 0.25, 0.5, 0.5, 0.75, 1.0]),  # ties on purpose
    st.floats(0, 1, allow_nan=False),
    st.none(),
)
events = st.builds(
    _event,
    st.sampled_from(["c1", "c2", "c3"]),
    st.sampled_from(["s1", "s2", "s3", "s4", "s5"]),
    scores,
    st.sampled_from(["shown", "shown", "shown", "shortlisted", "dismissed"]),
    st.integers(0, 5),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(events, max_size=40))
def test_any_day_matches_between_python_and_sql(ports: Ports, rows: list[dict]) -> None:
    # GIVEN any mix of events (ties in time and score, NaN and missing scores)
    _write_events(ports, rows, day="2025-03-01")
    items = impressions(rows)
    # WHEN / THEN the SQL on DuckDB and the Python agree on every column
    _assert_same(overall_metrics(items), _sql(ports, "ams_daily_overall.sql", "2025-03-01")[0])
    sql_rows = _sql(ports, "ams_daily_by_challenge.sql", "2025-03-01")
    python_rows = challenge_metrics(items)
    assert [r["challenge_id"] for r in sql_rows] == [r["challenge_id"] for r in python_rows]
    for mine, theirs in zip(python_rows, sql_rows, strict=True):
        _assert_same(mine, theirs)


def test_nan_scores_are_left_out_when_all_other_scores_are_finite(ports: Ports) -> None:
    # GIVEN a day whose only non-finite score is a NaN (Parquet statistics say 0.0 to 0.5)
    rows = [_event("c1", "s1", 0.0, "shown", 0), _event("c1", "s2", float("nan"), "shown", 0),
            _event("c1", "s3", 0.5, "shown", 0)]  # fmt: skip
    _write_events(ports, rows, day="2025-04-01")
    # WHEN / THEN the SQL leaves the NaN out, as the Python does
    assert overall_metrics(impressions(rows))["matches_shown"] == 2
    assert _sql(ports, "ams_daily_overall.sql", "2025-04-01")[0]["matches_shown"] == 2


@pytest.mark.parametrize("engine", ["python", "sql"])
def test_handler_writes_the_same_partitions_with_either_engine(ports: Ports, engine: str) -> None:
    # GIVEN the hand-written day
    _write_events(ports, HAND_WRITTEN)
    # WHEN the handler runs with this engine
    result = handler({"date": DAY, "engine": engine}, ports=ports)
    # THEN it reports the headline figures and writes both partitions
    assert result["matches_shown"] == 4 and result["challenges"] == 2 and result["p90"] == 0.9
    bucket = ports.settings.data_bucket
    overall = read_dataset(ports.objects, bucket, "metrics/ams/overall", dates=[DAY])
    per = read_dataset(ports.objects, bucket, "metrics/ams/challenges", dates=[DAY])
    assert overall.num_rows == 1 and per.column("challenge_id").to_pylist() == ["c1", "c2"]
    expected = overall_metrics(impressions(HAND_WRITTEN))
    _assert_same(expected, {k: v for k, v in overall.to_pylist()[0].items() if k != "date"})
