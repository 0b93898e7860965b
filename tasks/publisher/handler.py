"""The publisher task Lambda: normalised companies in, ``startups-private`` and ``startups-public``.

Event (``schemas/publisher_event.json``), one of::

    {"date": "2025-01-31"}                       # dataset defaults to private/silver/companies
    {"date": "2025-01-31", "dataset": "private/silver/companies"}
    {"keys": ["private/silver/companies/date=2025-01-31/part-1f0c2a9e-00000.parquet"]}

plus ``ttl_days`` and ``full_refresh``. Input rows (Parquet in the data bucket; by default the
curated rows with their people that ``tasks/curate_companies`` writes) carry ``id`` or
``startup_id``, ``updated_at`` (timestamp or ISO text; else the file's ``date=`` day), the company
columns (``name``, ``domain``, ``description``, ``industry``, ``country``, ``city``,
``keywords``, ``employees``, ``founded_year``, ``linkedin_url``, ``website``, ``health_score``,
``richness``) and the people, in any of: ``people`` (names), ``emails``, ``phones``, or
``contacts`` (a list of ``{name, first_name, last_name, title, email, phone, linkedin_url}``).
Every other column (``extra``, ``site_title``, ``source``...) is kept in the private record only;
``markdown`` and other bulky columns in neither.

Steps: read, keep what changed since the watermark (:mod:`tasks.publisher.logic`), build both
records, check every record against ``schemas/startup_*_record.json`` (nothing is written if one
fails), batch-write private then public (the tables port retries ``UnprocessedItems``), and only
then move the watermark (parameter ``/thera/<env>/watermarks/publisher``, compare-and-set).
A failure anywhere before that leaves the watermark where it was: the re-run writes the same
items again, which is harmless.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from tasks._ports import default_ports
from tasks.publisher.logic import (
    Cursor,
    expiry,
    next_cursor,
    private_record,
    public_record,
    select_changed,
)
from thera_sdk import ConfigurationError, ParameterNotFoundError, Ports
from thera_sdk._schemas import check
from thera_sdk.storage import TableSpec, read_dataset, read_parquet, table_rows

__all__ = [
    "DEFAULT_DATASET",
    "DEFAULT_TTL_DAYS",
    "PRIVATE_TABLE",
    "PUBLIC_TABLE",
    "WATERMARK",
    "handler",
    "table_specs",
]

PUBLIC_TABLE = "startups-public"
PRIVATE_TABLE = "startups-private"
WATERMARK = "watermarks/publisher"
DEFAULT_TTL_DAYS = 180
DEFAULT_DATASET = "private/silver/companies"  # the curated rows with their people
_DAY_FOLDER = re.compile(r"(?:^|/)date=(\d{4}-\d{2}-\d{2})/")


def table_specs(ports: Ports) -> tuple[TableSpec, TableSpec]:
    """The public and private table definitions (key ``startup_id``, TTL ``expires_at``).

    Examples
    --------
    >>> table_specs(ports)[0].name  # doctest: +SKIP
    'thera-dev-startups-public'
    """
    settings = ports.settings
    return (
        TableSpec(settings.table_name(PUBLIC_TABLE), "startup_id", ttl_attribute="expires_at"),
        TableSpec(settings.table_name(PRIVATE_TABLE), "startup_id", ttl_attribute="expires_at"),
    )


def _day_of(key: str) -> str | None:
    match = _DAY_FOLDER.search(key)
    return f"{match.group(1)}T00:00:00.000000Z" if match else None


def _rows(ports: Ports, event: Mapping[str, Any]) -> Iterator[tuple[dict[str, Any], str | None]]:
    bucket = ports.settings.data_bucket
    if "keys" in event:
        for key in event["keys"]:
            fallback = _day_of(key)
            for row in table_rows(read_parquet(ports.objects, bucket, key)):
                yield row, fallback
        return
    day = event["date"]
    table = read_dataset(ports.objects, bucket, event.get("dataset", DEFAULT_DATASET), dates=[day])
    for row in table_rows(table):
        row.pop("date", None)  # the partition column, added back by the reader
        yield row, f"{day}T00:00:00.000000Z"


def _ttl_days(event: Mapping[str, Any]) -> int:
    if "ttl_days" in event:
        return int(event["ttl_days"])  # the event schema bounds it
    text = os.environ.get("THERA_PUBLISH_TTL_DAYS", str(DEFAULT_TTL_DAYS))
    if not text.strip().isdigit() or not 1 <= int(text) <= 3650:
        raise ConfigurationError(
            f"THERA_PUBLISH_TTL_DAYS is {text!r}; set it to a whole number of days from 1 to 3650."
        )
    return int(text)


def handler(
    event: dict[str, Any],
    context: Any = None,
    *,
    ports: Ports | None = None,
    clock: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """Publish what changed since the watermark; return counts, tables and the new watermark.

    Parameters
    ----------
    event
        Matches ``schemas/publisher_event.json``.
    context
        The Lambda context (unused: batch writes are bounded by the tables port's retries).
    ports
        Storage ports (default: built once from the environment).
    clock
        Epoch seconds, for ``published_at`` and the TTL.

    Examples
    --------
    >>> handler({"date": "2025-01-31"}, ports=ports)["published"]  # doctest: +SKIP
    1200
    """
    check("publisher_event", event)
    ttl_days = _ttl_days(event)  # a bad setting fails before any work
    ports = ports or default_ports()
    public_spec, private_spec = table_specs(ports)
    if ports.settings.backend == "local":
        for spec in (public_spec, private_spec):  # on AWS the stack owns the tables
            ports.tables.create_table(spec)

    name = ports.settings.parameter_name(WATERMARK)
    try:
        stored = ports.parameters.get(name)
        version, before = stored.version, Cursor.parse(stored.value)
    except ParameterNotFoundError:
        version, before = 0, None

    rows = list(_rows(ports, event))
    chosen, missing_id = select_changed(rows, None if event.get("full_refresh") else before)

    now = clock()
    expires_at = expiry(now, ttl_days)
    published_at = dt.datetime.fromtimestamp(now, dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    private = [private_record(c, published_at=published_at, expires_at=expires_at) for c in chosen]
    public = [public_record(c, published_at=published_at, expires_at=expires_at) for c in chosen]
    for item in private:
        check("startup_private_record", item, redact=True, subject=f" {item['startup_id']!r}")
    for item in public:  # the last line of defence for personal data
        check("startup_public_record", item, redact=True, subject=f" {item['startup_id']!r}")

    ports.tables.batch_write(private_spec.name, put=private)
    ports.tables.batch_write(public_spec.name, put=public)
    after = next_cursor(chosen, before)
    if after is not None and after != before:
        ports.parameters.put(name, after.dump(), expected_version=version)  # after the commit

    ports.metrics.put_metric("RecordsPublished", len(chosen), "Count", {"Task": "publisher"})
    result = {
        "status": "published" if chosen else "up_to_date",
        "read": len(rows),
        "published": len(chosen),
        "missing_id": missing_id,
        "tables": {"public": public_spec.name, "private": private_spec.name},
        "ttl_days": ttl_days,
        "expires_at": expires_at,
        "watermark": {
            "before": before.dump() if before else None,
            "after": after.dump() if after else None,
        },
    }
    check("publisher_result", result)
    return result
