"""One silver row per checked line: the columns Athena queries, plus the whole record as JSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa

__all__ = ["ROW_SCHEMA", "to_row", "to_table"]

ROW_SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("domain", pa.string()),
        ("url", pa.string()),
        ("status", pa.string()),
        ("score", pa.int32()),
        ("flags", pa.list_(pa.string())),
        ("evidence_json", pa.string()),
        ("dns_status", pa.string()),
        ("addresses", pa.list_(pa.string())),
        ("mx", pa.list_(pa.string())),
        ("http_status", pa.int32()),
        ("https_status", pa.int32()),
        ("final_url", pa.string()),
        ("tls_valid", pa.bool_()),
        ("tls_protocol", pa.string()),
        ("tls_days_to_expiry", pa.int32()),
        ("title", pa.string()),
        ("content_bytes", pa.int64()),
        ("text_chars", pa.int64()),
        ("error", pa.string()),
        ("checked_at", pa.timestamp("us", tz="UTC")),
        ("elapsed_ms", pa.float64()),
        ("record_json", pa.string()),
    ]
)


def _get(record: Mapping[str, Any], *path: str) -> Any:
    value: Any = record
    for part in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def to_row(record: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten one check record into a row of :data:`ROW_SCHEMA`.

    Examples
    --------
    >>> to_row({"input": "x.test", "score": 0, "flags": ["dns_fail"], "evidence": {},
    ...         "checked_at": "2025-01-31T00:00:00+00:00"})["flags"]
    ['dns_fail']
    """
    dns = record.get("dns") or {}
    content = record.get("content") or {}
    tls = record.get("tls") or {}
    https_final = _get(record, "https", "final_url") if _get(record, "https", "status") else None
    return {
        "input": record.get("input"),
        "domain": record.get("domain"),
        "url": record.get("url"),
        "status": record.get("status"),
        "score": record.get("score"),
        "flags": list(record.get("flags") or []),
        "evidence_json": json.dumps(record.get("evidence") or {}, sort_keys=True, default=str),
        "dns_status": dns.get("status"),
        "addresses": list(dns.get("a") or []) + list(dns.get("aaaa") or []),
        "mx": list(dns.get("mx") or []),
        "http_status": _get(record, "http", "status"),
        "https_status": _get(record, "https", "status"),
        "final_url": https_final or _get(record, "http", "final_url"),
        "tls_valid": tls.get("valid") if tls else None,
        "tls_protocol": tls.get("protocol"),
        "tls_days_to_expiry": tls.get("days_to_expiry"),
        "title": content.get("title"),
        "content_bytes": content.get("bytes"),
        "text_chars": content.get("text_chars"),
        "error": record.get("error"),
        "checked_at": dt.datetime.fromisoformat(record["checked_at"]),
        "elapsed_ms": record.get("elapsed_ms"),
        "record_json": json.dumps(record, sort_keys=True, default=str),
    }


def to_table(records: Iterable[Mapping[str, Any]]) -> pa.Table:
    """The rows of ``records`` as a table with :data:`ROW_SCHEMA`.

    Examples
    --------
    >>> to_table([]).num_rows
    0
    """
    return pa.Table.from_pylist([to_row(r) for r in records], schema=ROW_SCHEMA)
