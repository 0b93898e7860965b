"""Rows of silver/companies for the embeddings tests."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from thera_sdk import Ports
from thera_sdk.storage import write_partition


def company(i: int, **changes: Any) -> dict[str, Any]:
    """A small company row in the curated companies layout."""
    row: dict[str, Any] = {
        "id": f"c{i:03d}",
        "name": f"Company {i}",
        "domain": f"company{i}.example",
        "description": f"Company {i} builds software number {i} for customers in sector {i % 5}.",
        "industry": ["Fintech", "Logistics", "Energy"][i % 3],
        "country": "DE",
        "city": "Berlin",
        "keywords": [f"topic {i % 4}", "software"],
        "employees": 10 + i,
        "founded_year": 2015,
        "richness": 55,
        "health_score": 90.0,
    }
    row.update(changes)
    return row


def write_day(ports: Ports, day: str, rows: list[dict[str, Any]]) -> None:
    """Write one day of ``silver/companies``."""
    write_partition(
        ports.objects,
        ports.settings.data_bucket,
        "silver/companies",
        day,
        pa.Table.from_pylist(rows),
    )
