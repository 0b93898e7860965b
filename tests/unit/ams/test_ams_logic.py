"""Pure AMS logic: which events count, de-duplication, nearest-rank percentiles."""

from __future__ import annotations

import datetime as dt
import math
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

import tasks.ams
from tasks.ams import (
    CHALLENGE_SCHEMA,
    OVERALL_SCHEMA,
    Impression,
    challenge_metrics,
    impressions,
    metrics_table,
    nearest_rank,
    overall_metrics,
)

AT = dt.datetime(2025, 1, 31, 9, tzinfo=dt.UTC)


def _row(challenge: str | None = "c1", startup: str | None = "s1", score: object = 0.5,
         action: str = "shown", at: dt.datetime | None = AT) -> dict:  # fmt: skip
    return {"challenge_id": challenge, "startup_id": startup, "score": score, "action": action,
            "at": at}  # fmt: skip


def test_all_matches_the_public_names() -> None:
    public = {
        name
        for name, value in vars(tasks.ams).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(tasks.ams.__all__) == sorted(public)


@pytest.mark.parametrize(
    ("values", "percent", "expected"),
    [
        ([0.3], 50, 0.3),
        ([0.1, 0.2, 0.3], 50, 0.2),  # ceil(1.5) = 2nd
        ([0.1, 0.2, 0.3, 0.4], 50, 0.2),  # exactly 2nd: no interpolation
        ([i / 10 for i in range(1, 11)], 90, 0.9),  # ceil(9.0) = 9th, no float edge
        ([i / 10 for i in range(1, 11)], 99, 1.0),
        ([0.1, 0.2], 100, 0.2),
        ([], 50, None),
    ],
)
def test_nearest_rank_picks_the_kth_smallest(
    values: list[float], percent: int, expected: float | None
) -> None:
    assert nearest_rank(values, percent) == expected


@given(st.lists(st.floats(0, 1), min_size=1, max_size=200), st.integers(1, 100))
def test_nearest_rank_is_the_smallest_value_covering_the_percent(
    values: list[float], percent: int
) -> None:
    ordered = sorted(values)
    result = nearest_rank(ordered, percent)
    assert result is not None
    # at least percent% of the values are <= result, and fewer are < result
    assert sum(v <= result for v in ordered) * 100 >= percent * len(ordered)
    assert sum(v < result for v in ordered) * 100 < percent * len(ordered)


def test_nearest_rank_refuses_a_percent_outside_1_to_100() -> None:
    with pytest.raises(ValueError, match="from 1 to 100"):
        nearest_rank([0.1], 0)


def test_only_valid_shown_events_count() -> None:
    rows = [
        _row(),
        _row(startup="s2", score=None),
        _row(startup="s3", score=float("nan")),
        _row(startup="s4", score=float("-inf")),
        _row(startup="s5", score=True),  # a bool is not a score
        _row(startup="s6", action="dismissed"),
        _row(startup="s7", action="Shown"),  # actions are exact, lower case
        _row(challenge=None, startup="s8"),
        _row(startup="s9", at=None),
    ]
    assert [i.startup_id for i in impressions(rows)] == ["s1"]


def test_a_pair_counts_once_with_its_latest_score() -> None:
    later = AT + dt.timedelta(minutes=1)
    rows = [_row(score=0.9), _row(score=0.2, at=later), _row(score=0.4, at=later)]
    assert impressions(rows) == [Impression("c1", "s1", 0.4, 3, False)]


def test_naive_timestamps_are_taken_as_utc() -> None:
    naive = AT.replace(tzinfo=None) + dt.timedelta(minutes=1)
    assert impressions([_row(score=0.9), _row(score=0.3, at=naive)])[0].score == 0.3


def test_shortlisted_marks_only_a_pair_shown_the_same_day() -> None:
    rows = [_row(), _row(action="shortlisted", score=None),
            _row(startup="s2", action="shortlisted")]  # fmt: skip
    items = impressions(rows)
    assert [(i.startup_id, i.shortlisted) for i in items] == [("s1", True)]
    assert overall_metrics(items)["shortlist_rate"] == 1.0


def test_overall_and_per_challenge_figures() -> None:
    rows = [_row("c1", "s1", 0.2), _row("c1", "s2", 0.6), _row("c2", "s1", 1.0)]
    items = impressions(rows)
    overall = overall_metrics(items)
    assert overall["matches_shown"] == 3 and overall["challenges"] == 2
    assert math.isclose(overall["ams"], 0.6) and overall["p50"] == 0.6
    per = challenge_metrics(items)
    assert [(r["challenge_id"], r["matches_shown"], r["p90"]) for r in per] == [
        ("c1", 2, 0.6),
        ("c2", 1, 1.0),
    ]


def test_metric_tables_have_the_fixed_schemas() -> None:
    items = impressions([_row()])
    assert metrics_table([overall_metrics(items)], OVERALL_SCHEMA).schema == OVERALL_SCHEMA
    assert metrics_table(challenge_metrics(items), CHALLENGE_SCHEMA).schema == CHALLENGE_SCHEMA
    assert metrics_table([], CHALLENGE_SCHEMA).num_rows == 0
