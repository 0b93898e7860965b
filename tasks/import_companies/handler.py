"""The import Lambda: a CSV or JSONL file in, the day's ``bronze/imported_companies`` out.

Event::

    {"date": "2026-01-31", "file": "imports/companies.csv"}

``file`` is an object key in the data bucket; locally it may also be a path on disk. Good rows
replace the day's partition of ``bronze/imported_companies``; rows that break a rule are written
to ``bronze/import_errors/date=D/`` with their line number and reason, and counted in the result
(the first 20 are returned), so nothing is lost silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from tasks._ports import default_ports
from thera_sdk import Ports, ValidationError
from thera_sdk.sources import companies_table, content_hash, read_companies
from thera_sdk.storage import write_partition

__all__ = ["DATASET", "ERRORS_DATASET", "handler", "import_file"]

DATASET = "bronze/imported_companies"
ERRORS_DATASET = "bronze/import_errors"
_SHOWN_ERRORS = 20


def _read(ports: Ports, file: str) -> tuple[bytes, str]:
    bucket = ports.settings.data_bucket
    if ports.objects.exists(bucket, file):
        return ports.objects.get(bucket, file), file
    path = Path(file)
    if ports.settings.backend == "local" and path.is_file():
        return path.read_bytes(), str(path)
    raise ValidationError(
        f"The import file {file!r} is neither an object in bucket {bucket!r} nor a local file; "
        "upload it to the data bucket or give a path that exists."
    )


def import_file(ports: Ports, file: str, day: str) -> dict[str, Any]:
    """Read ``file`` and replace the day's imported companies; return the counts."""
    data, label = _read(ports, file)
    result = read_companies(data, name=label)
    hashes = [content_hash(c) for c in result.companies]
    table = companies_table(result.companies, {"content_hash": (pa.string(), hashes)})
    bucket = ports.settings.data_bucket
    written = write_partition(ports.objects, bucket, DATASET, day, table)
    errors = [e.as_dict() for e in result.errors]
    write_partition(
        ports.objects, bucket, ERRORS_DATASET, day,
        pa.Table.from_pylist(
            [{"file": label, **e} for e in errors],
            schema=pa.schema([("file", pa.string()), ("line", pa.int64()),
                              ("message", pa.string())]),
        ),
    )
    return {
        "file": label,
        "rows": result.rows,
        "imported": len(result.companies),
        "error_count": len(errors),
        "errors": errors[:_SHOWN_ERRORS],
        "dataset": DATASET,
        "keys": written,
    }


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    if not isinstance(event, dict) or not event.get("file") or not event.get("date"):
        raise ValidationError("The import event needs 'date' (YYYY-MM-DD) and 'file'.")
    return import_file(ports or default_ports(), str(event["file"]), str(event["date"]))
