"""The planning Lambda between fan-out stages.

Event: ``{"date": "2026-01-31", "stage": "health" | "scrape"}``.

- ``health``: every distinct domain of the day's companies (all sources);
- ``scrape``: the domains whose health score reaches the gate (``HEALTHY_SCORE``).

Writes ``runs/date=D/<stage>.jsonl`` (one ``{"domain": ...}`` object per line) to the data
bucket, clears the day's partitions the stage's children write, and returns
``{"stage", "count", "bucket", "key"}`` for the Distributed Map's ItemReader.
"""

from __future__ import annotations

import json
from typing import Any

from tasks._ports import default_ports
from tasks.domain_health.handler import HEALTHY_SCORE
from tasks.plan_stage.logic import STAGES, healthy_domains, source_domains
from thera_sdk import Ports, ValidationError
from thera_sdk.storage import list_partitions, partition_prefix, read_dataset

__all__ = ["COMPANY_DATASETS", "handler", "read_day"]

# Every source writes its companies to its own bronze dataset.
COMPANY_DATASETS = ("bronze/apollo_companies", "bronze/imported_companies")


def read_day(ports: Ports, dataset: str, day: str, columns: list[str]) -> list[dict[str, Any]]:
    """The day's rows of ``dataset`` (none when the day has no partition).

    Sources differ in their extra columns: a column a dataset lacks comes back as None.
    """
    bucket = ports.settings.data_bucket
    if day not in list_partitions(ports.objects, bucket, dataset):
        return []
    table = read_dataset(ports.objects, bucket, dataset, dates=[day])
    present = [c for c in columns if c in table.column_names]
    rows = table.select(present).to_pylist()
    missing = [c for c in columns if c not in present]
    for row in rows:
        row.update(dict.fromkeys(missing))
    return rows


def _clear(ports: Ports, dataset: str, day: str) -> None:
    bucket = ports.settings.data_bucket
    for info in list(ports.objects.iter_objects(bucket, partition_prefix(dataset, day))):
        ports.objects.delete(bucket, info.key)


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    ports = ports or default_ports()
    stage, day = event.get("stage"), event.get("date")
    if stage not in STAGES or not isinstance(day, str):
        raise ValidationError(
            f"The plan event needs 'date' and 'stage' in {sorted(STAGES)}; got {event!r}."
        )
    if stage == "health":
        companies = [
            row for dataset in COMPANY_DATASETS
            for row in read_day(ports, dataset, day, ["id", "domain"])
        ]
        items: list[dict[str, Any]] = source_domains(companies)
    else:
        rows = read_day(ports, "silver/domain_health", day, ["domain", "score"])
        items = healthy_domains(rows, HEALTHY_SCORE)
    for dataset in STAGES[stage]:
        _clear(ports, dataset, day)
    bucket = ports.settings.data_bucket
    key = f"runs/date={day}/{stage}.jsonl"
    body = "".join(json.dumps(item) + "\n" for item in items).encode()
    ports.objects.put(bucket, key, body, content_type="application/x-ndjson")
    return {"stage": stage, "count": len(items), "bucket": bucket, "key": key}
