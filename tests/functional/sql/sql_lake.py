"""A small data lake for the SQL tests: every dataset of ``thera_sdk.deploy.DATASETS``, written
with the writers' schemas through the objects port, and registered in a DuckDB sql port.

``THERA_SQL_LAKE=<THERA_HOME of a local run>`` (and ``THERA_SQL_LAKE_DAY=YYYY-MM-DD``) points the
tests at a real run's output instead: only the checks that do not depend on the synthetic values
run then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from thera_sdk.deploy import DATASETS, dataset
from thera_sdk.storage import DuckDbSqlEngine, LocalObjectStore, write_partition

BUCKET = "thera-test-data"
DAY = "2025-01-31"
DAY_BEFORE = "2025-01-30"
_AT = dt.datetime(2025, 1, 31, 9, 0, tzinfo=dt.UTC)


@dataclass
class Lake:
    """The sql port over a lake, the day to query, and whether the values are the synthetic ones."""

    engine: DuckDbSqlEngine
    day: str
    synthetic: bool


def _company(cid: str, domain: str | None, industry: str, country: str, **extra: Any) -> dict:
    return {
        "id": cid, "name": f"Company {cid}", "domain": domain, "description": "Makes things.",
        "industry": industry, "country": country, "city": "Berlin", "keywords": ["fraud"],
        "employees": 40, "founded_year": 2019, "linkedin_url": None, "extra": [],
        "source": "apollo", **extra,
    }  # fmt: skip


def _health(domain: str | None, score: int, flags: Sequence[str] = (), status: str = "checked"):
    return {"input": domain or "???", "domain": domain, "status": status, "score": score,
            "flags": list(flags), "checked_at": _AT, "elapsed_ms": 12.5}  # fmt: skip


def clean_rows() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Rows by dataset name, then by day: a consistent day and the day before."""
    companies = [
        _company("c1", "acme.io", "Fintech", "DE"),
        _company("c2", "beta.example.com", "Fintech", "FR"),
        _company("c3", "gamma.dev", "Health", "DE"),
    ]
    curated = [
        {**c, "content_hash": f"h-{c['id']}", "health_score": score, "richness": rich,
         "updated_at": "2025-01-31T09:00:00.000000Z"}
        for c, score, rich in zip(companies, (90, 60, 100), (40.0, 70.0, 10.0), strict=True)
    ]  # fmt: skip
    return {
        "bronze_apollo_companies": {DAY: companies},
        "silver_domain_health": {
            DAY: [
                _health("acme.io", 90),
                _health("beta.example.com", 60),
                _health("gamma.dev", 100),
                _health("parked.example", 80, ["parked"]),
                _health("down.example", 10, ["dns_fail"]),
            ]
        },
        "silver_scrape": {
            DAY_BEFORE: [{"domain": "acme.io", "url": "https://acme.io/", "status_code": 200}],
            DAY: [
                {
                    "domain": "beta.example.com",
                    "url": "https://beta.example.com/",
                    "status_code": 500,
                }
            ],
        },
        "silver_companies": {DAY: curated},
        "embeddings": {
            DAY: [
                {
                    "id": c["id"],
                    "model": "local",
                    "dim": 3,
                    "vector": [0.1, 0.2, 0.3],
                    "content_hash": f"h-{c['id']}",
                    "token_count": 100,
                }
                for c in companies
            ]
        },
        "shortlist_events": {
            DAY: [
                {
                    "challenge_id": "ch1",
                    "startup_id": "c1",
                    "score": 0.9,
                    "action": "shown",
                    "at": _AT,
                },
                {
                    "challenge_id": "ch1",
                    "startup_id": "c2",
                    "score": 0.5,
                    "action": "shown",
                    "at": _AT,
                },
                {
                    "challenge_id": "ch1",
                    "startup_id": "c1",
                    "score": None,
                    "action": "shortlisted",
                    "at": _AT,
                },
            ]
        },
        "ams_overall": {
            DAY_BEFORE: [{"matches_shown": 1, "challenges": 1, "ams": 0.5}],
            DAY: [{"matches_shown": 2, "challenges": 1, "ams": 0.7}],
        },
        "ams_challenges": {DAY: [{"challenge_id": "ch1", "matches_shown": 2, "ams": 0.7}]},
    }


def defective_rows() -> dict[str, dict[str, list[dict[str, Any]]]]:
    """The clean day with one known defect per check (counts in :data:`DEFECTS`)."""
    rows = clean_rows()
    rows["bronze_apollo_companies"][DAY] += [
        _company(None, "no-id.example", "Fintech", "DE"),  # type: ignore[arg-type]
        _company("c9", "https://Bad_Domain/", "Fintech", "DE"),
    ]
    rows["silver_companies"][DAY] += [
        {**rows["silver_companies"][DAY][0], "health_score": 140},  # duplicate c1, bad health
    ]
    rows["silver_domain_health"][DAY] += [_health("acme.io", 101)]  # duplicate, out of range
    rows["shortlist_events"][DAY] += [
        {"challenge_id": None, "startup_id": "c3", "score": 1.5, "action": "shown", "at": _AT}
    ]
    rows["embeddings"] = {"2024-12-01": rows["embeddings"][DAY]}  # stale: nothing recent
    return rows


DEFECTS: Mapping[tuple[str, str], int] = {
    ("null_keys", "bronze_apollo_companies"): 1,
    ("domain_format", "bronze_apollo_companies"): 1,
    ("duplicate_ids", "silver_companies"): 1,
    ("score_range", "silver_companies"): 1,
    ("duplicate_ids", "silver_domain_health"): 1,
    ("score_range", "silver_domain_health"): 1,
    ("null_keys", "shortlist_events"): 1,
    ("score_range", "shortlist_events"): 1,
    ("freshness", "embeddings"): 1,
}


def write_lake(root: Path, rows: Mapping[str, Mapping[str, list[dict[str, Any]]]]) -> None:
    """Write ``rows`` as the datasets' ``date=`` partitions under ``root`` (objects port)."""
    objects = LocalObjectStore(root)
    objects.create_bucket(BUCKET)
    for name, by_day in rows.items():
        entry = dataset(name)
        for day, day_rows in by_day.items():
            table = pa.Table.from_pylist(day_rows, schema=entry.schema)
            write_partition(objects, BUCKET, entry.prefix.rstrip("/"), day, table)


def open_lake(objects_root: Path, bucket: str, catalog: Path) -> DuckDbSqlEngine:
    """A DuckDB sql port with every dataset registered (empty ones keep their columns)."""
    engine = DuckDbSqlEngine(LocalObjectStore(objects_root), catalog=catalog)
    for entry in DATASETS:
        engine.register_parquet(entry.name, bucket, entry.prefix, schema=entry.schema)
    return engine
