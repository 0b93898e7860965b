"""Every query in sql/ runs on DuckDB through the sql port, over a lake of the writers' schemas.

The DDL in sql/ddl/ is Athena-only (CREATE EXTERNAL TABLE ... TBLPROPERTIES); its columns are
checked against the same schemas in tests/unit/deploy/test_ddl.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sql_lake import DAY, DAY_BEFORE, DEFECTS, Lake

from thera_sdk.storage import DuckDbSqlEngine

SQL_DIR = Path(__file__).resolve().parents[3] / "sql"


def _params(name: str, day: str) -> dict[str, Any]:
    """The parameters each query file takes (a new file needs an entry here)."""
    since = DAY_BEFORE if day == DAY else day
    table: dict[str, dict[str, Any]] = {
        "ams_daily_overall.sql": {"day": day},
        "ams_daily_by_challenge.sql": {"day": day},
        "ams_trend.sql": {"since": since, "day": day},
        "candidates.sql": {
            "since": since, "day": day, "industry": None, "country": None, "min_health": 0,
            "max_rows": 20,
        },
        "scrape_candidates.sql": {"day": day, "since": since, "min_score": 50},
        "pipeline_daily_counts.sql": {"day": day, "min_health": 50},
        "data_quality_checks.sql": {"day": day, "fresh_since": since},
    }  # fmt: skip
    if name not in table:
        pytest.fail(f"sql/{name} has no parameters in {__file__}; add them to _params().")
    return table[name]


QUERY_FILES = sorted(path.name for path in SQL_DIR.glob("*.sql"))


@pytest.mark.parametrize("name", QUERY_FILES)
def test_every_query_runs_on_duckdb(lake: Lake, name: str) -> None:
    # GIVEN a lake with every dataset registered
    # WHEN the query runs through the sql port
    result = lake.engine.query_file(SQL_DIR / name, _params(name, lake.day))
    # THEN it returns named columns
    assert result.columns
    assert all(set(row) == set(result.columns) for row in result.rows)


def _query(engine: DuckDbSqlEngine, name: str, **params: Any) -> list[dict[str, Any]]:
    return engine.query_file(SQL_DIR / name, params).rows


def test_data_quality_checks_pass_on_clean_data(lake: Lake) -> None:
    rows = _query(lake.engine, "data_quality_checks.sql", day=lake.day, fresh_since=DAY_BEFORE)
    assert {row["check_name"] for row in rows} == {
        "null_keys", "duplicate_ids", "domain_format", "score_range", "freshness",
    }  # fmt: skip
    if lake.synthetic:
        assert [row for row in rows if row["failed_rows"]] == []


def test_data_quality_checks_find_each_defect(defective_lake: DuckDbSqlEngine) -> None:
    # GIVEN a day with one known defect per check
    rows = _query(defective_lake, "data_quality_checks.sql", day=DAY, fresh_since=DAY_BEFORE)
    # THEN exactly those checks fail, each by the expected number of rows
    failed = {(r["check_name"], r["table_name"]): r["failed_rows"] for r in rows}
    failed = {check: count for check, count in failed.items() if count}
    assert failed == dict(DEFECTS)


def test_candidates_filter_and_rank(lake: Lake) -> None:
    if not lake.synthetic:
        pytest.skip("values are those of the synthetic lake")
    rows = _query(
        lake.engine, "candidates.sql", since=DAY_BEFORE, day=DAY, industry="fintech",
        country=None, min_health=50, max_rows=10,
    )  # fmt: skip
    assert [(r["startup_id"], r["health_score"]) for r in rows] == [("c1", 90), ("c2", 60)]
    rows = _query(
        lake.engine, "candidates.sql", since=DAY_BEFORE, day=DAY, industry=None, country="de",
        min_health=0, max_rows=1,
    )  # fmt: skip
    assert [r["startup_id"] for r in rows] == ["c3"]


def test_scrape_candidates_skip_parked_unhealthy_and_recently_scraped(lake: Lake) -> None:
    if not lake.synthetic:
        pytest.skip("values are those of the synthetic lake")
    rows = _query(lake.engine, "scrape_candidates.sql", day=DAY, since=DAY_BEFORE, min_score=50)
    # acme.io was scraped the day before; beta's scrape failed (500), so it is due again
    found = [(r["domain"], r["score"]) for r in rows]
    assert found == [("gamma.dev", 100), ("beta.example.com", 60)]


def test_pipeline_daily_counts(lake: Lake) -> None:
    if not lake.synthetic:
        pytest.skip("values are those of the synthetic lake")
    [row] = _query(lake.engine, "pipeline_daily_counts.sql", day=DAY, min_health=50)
    assert row == {
        "partition_date": DAY, "companies_pulled": 3, "companies_imported": 0, "domains_checked": 5,
        "domains_healthy": 4, "pages_scraped": 0, "companies_curated": 3,
        "companies_embedded": 3, "tokens_embedded": 300,
    }  # fmt: skip


def test_ams_trend_moving_average(lake: Lake) -> None:
    if not lake.synthetic:
        pytest.skip("values are those of the synthetic lake")
    rows = _query(lake.engine, "ams_trend.sql", since=DAY_BEFORE, day=DAY)
    assert [r["partition_date"] for r in rows] == [DAY_BEFORE, DAY]
    assert rows[1]["ams_7d"] == pytest.approx(0.6)
