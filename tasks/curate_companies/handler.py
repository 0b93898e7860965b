"""The curation Lambda: the day's companies joined with health and pages.

Event: ``{"date": "2026-01-31"}``.

Reads the day's ``bronze/apollo_companies`` and ``bronze/imported_companies``, Apollo's private
contacts, ``silver/domain_health`` and ``silver/scrape`` (missing days are simply empty), and
replaces the day's ``silver/companies`` (no personal data) and ``private/silver/companies`` (the
same rows with emails, phones and people, for the private table).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa

from tasks._ports import default_ports
from tasks.curate_companies.logic import curate
from tasks.plan_stage.handler import COMPANY_DATASETS, read_day
from thera_sdk import Ports, ValidationError
from thera_sdk.sources import COMPANY_SCHEMA
from thera_sdk.storage import write_partition

__all__ = ["DATASET", "PRIVATE_DATASET", "handler"]

DATASET = "silver/companies"
PRIVATE_DATASET = "private/silver/companies"
CONTACTS_DATASET = "private/bronze/apollo_contacts"

_SITE_FIELDS = [
    ("health_score", pa.int32()),
    ("site_title", pa.string()),
    ("site_description", pa.string()),
    ("markdown", pa.string()),
    ("richness", pa.float64()),
    ("updated_at", pa.string()),
]
_CONTACT_FIELDS = [(name, pa.list_(pa.string())) for name in ("emails", "phones", "people")]
_COMPANY_FIELDS = [f for f in COMPANY_SCHEMA if f.name != "extra"]
PUBLIC_SCHEMA = pa.schema(
    [*_COMPANY_FIELDS, ("content_hash", pa.string()),
     ("extra", pa.map_(pa.string(), pa.string())), *_SITE_FIELDS]
)
PRIVATE_SCHEMA = pa.schema([*PUBLIC_SCHEMA, *_CONTACT_FIELDS])


def _table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    shaped = [
        {f.name: (list(r["extra"].items()) if f.name == "extra" else r.get(f.name))
         for f in schema}
        for r in rows
    ]
    return pa.Table.from_pylist(shaped, schema=schema)


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    ports = ports or default_ports()
    day = event.get("date") if isinstance(event, dict) else None
    if not isinstance(day, str):
        raise ValidationError("The curation event needs 'date' (YYYY-MM-DD).")
    columns = [f.name for f in COMPANY_SCHEMA] + ["content_hash"]
    companies = [
        row for dataset in COMPANY_DATASETS
        for row in read_day(ports, dataset, day, columns)
    ]
    health = read_day(ports, "silver/domain_health", day, ["domain", "score"])
    pages = read_day(
        ports, "silver/scrape", day, ["domain", "title", "description", "markdown", "richness"]
    )
    contacts = read_day(ports, CONTACTS_DATASET, day, ["company_id", "emails", "phones", "people"])
    now = dt.datetime.now(dt.UTC).isoformat()
    public, private = curate(companies, health, pages, contacts, now)
    bucket = ports.settings.data_bucket
    write_partition(ports.objects, bucket, PRIVATE_DATASET, day, _table(private, PRIVATE_SCHEMA))
    write_partition(ports.objects, bucket, DATASET, day, _table(public, PUBLIC_SCHEMA))
    return {
        "date": day,
        "companies": len(public),
        "with_health": sum(r["health_score"] is not None for r in public),
        "with_pages": sum(r["markdown"] is not None for r in public),
        "dataset": DATASET,
    }
