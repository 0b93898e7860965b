"""Baseline numbers of the local storage adapters.

Prints the local table throughput (batch put and point get, in items per second) and the time of
an aggregate over 1,000,000 Parquet rows through the SQL port (DuckDB, Athena SQL transpiled).

Usage::

    python benchmarks/storage.py [--items 50000] [--gets 20000] [--rows 1000000] [--home DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pyarrow as pa

from thera_sdk.storage import (
    DuckDbSqlEngine,
    LocalObjectStore,
    LocalTableStore,
    TableSpec,
    write_partition,
)

AGGREGATE = """
SELECT industry, count(*) AS companies, avg(score) AS mean_score,
       approx_distinct(country) AS countries
FROM companies
WHERE "date" BETWEEN :first AND :last
GROUP BY industry
ORDER BY companies DESC
"""
INDUSTRIES = ["fintech", "health", "climate", "retail", "logistics", "security", "ai", "edtech"]
COUNTRIES = ["US", "DE", "FR", "GB", "IN", "BR", "JP", "CA", "ES", "IT", "NL", "SE"]


def bench_tables(home: Path, items: int, gets: int) -> tuple[float, float]:
    """Items per second for batch puts and for point gets."""
    store = LocalTableStore(home / "tables.sqlite3")
    store.create_table(TableSpec("bench", "pk", sort_key="sk"))
    rows = [
        {"pk": f"company#{i % 1000}", "sk": f"{i:08d}", "name": f"Company {i}", "score": i % 97}
        for i in range(items)
    ]
    started = time.perf_counter()
    for start in range(0, items, 1000):
        store.batch_write("bench", put=rows[start : start + 1000])
    put_rate = items / (time.perf_counter() - started)
    keys = [{"pk": r["pk"], "sk": r["sk"]} for r in random.Random(7).choices(rows, k=gets)]
    started = time.perf_counter()
    for key in keys:
        assert store.get_item("bench", key) is not None
    get_rate = gets / (time.perf_counter() - started)
    store.close()
    return put_rate, get_rate


def bench_sql(home: Path, rows: int, days: int = 10) -> tuple[float, float, float]:
    """Seconds to write the dataset, and to run the aggregate cold and warm (best of three)."""
    objects = LocalObjectStore(home / "objects")
    objects.create_bucket("bench-data")
    rng = random.Random(11)
    per_day = rows // days
    started = time.perf_counter()
    for day in range(days):
        table = pa.table(
            {
                "id": pa.array(range(day * per_day, (day + 1) * per_day), pa.int64()),
                "industry": [rng.choice(INDUSTRIES) for _ in range(per_day)],
                "country": [rng.choice(COUNTRIES) for _ in range(per_day)],
                "score": [rng.random() for _ in range(per_day)],
            }
        )
        write_partition(objects, "bench-data", "silver/companies", f"2025-01-{day + 1:02d}", table)
    write_seconds = time.perf_counter() - started
    engine = DuckDbSqlEngine(objects)
    engine.register_parquet("companies", "bench-data", "silver/companies/")
    params = {"first": "2025-01-01", "last": f"2025-01-{days:02d}"}
    timings = []
    for _ in range(4):
        started = time.perf_counter()
        result = engine.query(AGGREGATE, params)
        timings.append(time.perf_counter() - started)
    assert sum(r["companies"] for r in result.rows) == per_day * days
    engine.close()
    return write_seconds, timings[0], min(timings[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000, help="items to batch-put")
    parser.add_argument("--gets", type=int, default=20_000, help="point gets to time")
    parser.add_argument("--rows", type=int, default=1_000_000, help="Parquet rows to aggregate")
    parser.add_argument("--home", type=Path, help="data home to use (default: a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="thera-bench-") as temp:
        home = args.home or Path(temp)
        put_rate, get_rate = bench_tables(home, args.items, args.gets)
        print(f"tables  batch put   {args.items:>9,} items  {put_rate:>10,.0f} items/s")
        print(f"tables  point get   {args.gets:>9,} items  {get_rate:>10,.0f} items/s")
        write_seconds, cold, warm = bench_sql(home, args.rows)
        rows = f"{args.rows:>9,} rows"
        print(f"parquet write       {rows}   {write_seconds:>10.2f} s (10 partitions)")
        print(f"sql     aggregate   {rows}   {cold:>10.3f} s first, {warm:.3f} s warm")


if __name__ == "__main__":
    main()
