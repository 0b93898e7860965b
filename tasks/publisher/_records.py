"""Helpers for input rows: storable values, timestamps, ids and the people they carry."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from thera_sdk import ValidationError
from thera_sdk.privacy import KnownPii

__all__ = [
    "PEOPLE_FIELDS",
    "as_timestamp",
    "known_pii",
    "record_id",
    "storable",
]

# Fields that hold people, or their addresses and numbers, in an input row.
PEOPLE_FIELDS = frozenset({"contacts", "people", "persons", "founders", "team", "executives"})
_ADDRESS_WORDS = ("email", "phone", "mobile", "fax", "linkedin_profile")


def storable(value: Any) -> Any:
    """``value`` converted to what the tables port stores (no datetimes, NaN or Arrow maps).

    Datetimes become ISO-8601 text in UTC, non-finite floats ``None``, and Arrow map values
    (lists of key/value pairs) dicts.

    Examples
    --------
    >>> storable({"at": dt.datetime(2025, 1, 31, tzinfo=dt.UTC), "x": float("nan")})
    {'at': '2025-01-31T00:00:00.000000Z', 'x': None}
    """
    if isinstance(value, dt.datetime):
        return as_timestamp(value)
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, Mapping):
        return {str(k): storable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(p, tuple) and len(p) == 2 for p in value):
            return {str(k): storable(v) for k, v in value}  # an Arrow map
        return [storable(v) for v in value]
    return value


def as_timestamp(value: Any) -> str | None:
    """An ISO-8601 UTC timestamp with microseconds (sorts as text), or ``None``.

    Accepts datetimes (naive ones are taken as UTC), dates and ISO text.

    Examples
    --------
    >>> as_timestamp("2025-01-31T10:00:00+01:00"), as_timestamp(dt.date(2025, 1, 31))
    ('2025-01-31T09:00:00.000000Z', '2025-01-31T00:00:00.000000Z')
    """
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000000Z"
    return None


def record_id(row: Mapping[str, Any]) -> str | None:
    """The startup id of a row: ``startup_id``, else ``id`` (as text), else ``None``.

    Examples
    --------
    >>> record_id({"id": 42}), record_id({"startup_id": "s-1", "id": 42}), record_id({})
    ('42', 's-1', None)
    """
    for name in ("startup_id", "id"):
        value = row.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int)) and str(value).strip():
            return str(value).strip()
    return None


def _people(value: Any) -> list[Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)  # some writers keep contacts as JSON text
        except ValueError:
            return [value]
    if isinstance(value, Mapping):
        return [value]
    return list(value) if isinstance(value, (list, tuple)) else []


def known_pii(row: Mapping[str, Any]) -> KnownPii:
    """Every person, address and number a row carries, to be found again in its free text.

    Examples
    --------
    >>> known_pii({"contacts": [{"name": "Jane Doe"}], "emails": ["info@acme.io"]}).emails
    ('info@acme.io',)
    """
    known = KnownPii()
    loose: dict[str, Any] = {}
    for key, value in row.items():
        lowered = key.lower()
        if lowered in PEOPLE_FIELDS:
            known = known.merged(KnownPii.from_contacts(_people(storable(value))))
        elif any(word in lowered for word in _ADDRESS_WORDS):
            loose[lowered] = storable(value)
        elif lowered == "extra" and isinstance(storable(value), Mapping):
            extra = storable(value)
            loose.update(
                {f"extra_{k}".lower(): v for k, v in extra.items()
                 if any(w in str(k).lower() for w in _ADDRESS_WORDS)}
            )  # fmt: skip
    return known.merged(KnownPii.from_contacts([loose])) if loose else known


def require_timestamp(row: Mapping[str, Any], fallback: str | None) -> str:
    """The row's ``updated_at`` as :func:`as_timestamp` text, else ``fallback``.

    Examples
    --------
    >>> require_timestamp({}, "2025-01-31T00:00:00.000000Z")
    '2025-01-31T00:00:00.000000Z'
    """
    stamp = as_timestamp(row.get("updated_at"))
    if stamp is not None:
        return stamp
    if fallback is not None:
        return fallback
    raise ValidationError(
        f"Record {record_id(row)!r} has no usable updated_at and its file is not in a "
        "date=YYYY-MM-DD folder; add an updated_at column (timestamp or ISO text) upstream."
    )
