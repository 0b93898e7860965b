"""Pure publisher logic: change selection by cursor, record shapes, and the record schemas."""

from __future__ import annotations

import datetime as dt
import math
import types
from typing import Any

import pytest

import tasks.publisher
from tasks.publisher import (
    BULKY_FIELDS,
    PUBLIC_FIELDS,
    Candidate,
    Cursor,
    expiry,
    next_cursor,
    private_record,
    public_record,
    record_hash,
    select_changed,
)
from tasks.publisher._records import as_timestamp, known_pii, storable
from thera_sdk import ValidationError
from thera_sdk._schemas import check

T0 = "2025-01-31T00:00:00.000000Z"
T1 = "2025-01-31T10:00:00.000000Z"
STAMPS: dict[str, Any] = {
    "published_at": "2025-02-01T06:00:00.000000Z",
    "expires_at": 1_800_000_000,
}
ROW: dict[str, Any] = {
    "id": "s1",
    "name": "Acme Fraud",
    "domain": "Acme.io",
    "website": "https://acme.io",
    "description": "Real-time fraud scoring. Ask Jane Doe (jane [at] acme [dot] io, "
    "+44 20 7946 0958) or see linkedin.com/in/jane-doe.",
    "industry": "Fintech",
    "country": "DE",
    "city": "Berlin",
    "keywords": ["fraud", "Jane Doe", "payments", "call +1 555 010 9999"],
    "employees": 42,
    "founded_year": 2019,
    "linkedin_url": "https://www.linkedin.com/company/acme",
    "health_score": 87.5,
    "contacts": [{"name": "Jane Doe", "email": "jane@acme.io", "phone": "+44 20 7946 0958"}],
    "extra": {"ceo_email": "boss@acme.io"},
    "markdown": "# a very long page",
}


def test_all_matches_the_public_names() -> None:
    public = {
        name
        for name, value in vars(tasks.publisher).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert sorted(tasks.publisher.__all__) == sorted(public)


def test_cursor_round_trips_and_orders_by_time_then_id() -> None:
    cursor = Cursor(T0, "b")
    assert Cursor.parse(cursor.dump()) == cursor
    assert Cursor.parse(None) is None
    assert Cursor(T0, "a") < Cursor(T0, "b") < Cursor(T1, "a")


def test_select_changed_keeps_rows_after_the_cursor_once_each_in_order() -> None:
    rows: list[tuple[dict[str, Any], str | None]] = [
        ({"id": "a", "updated_at": "2025-01-31T10:00:00Z"}, None),
        ({"id": "b", "updated_at": dt.datetime(2025, 1, 31)}, None),  # at the cursor: old
        ({"id": "c"}, T0),  # no updated_at: its partition day, after the cursor id
        ({"id": "a", "updated_at": "2025-01-31T09:00:00Z"}, None),  # older copy of a
        ({"name": "no id"}, T0),
    ]
    chosen, missing = select_changed(rows, Cursor(T0, "b"))
    assert [(c.startup_id, c.updated_at) for c in chosen] == [("c", T0), ("a", T1)]
    assert missing == 1


def test_select_changed_without_any_timestamp_says_what_to_add() -> None:
    with pytest.raises(ValidationError, match="add an updated_at column"):
        select_changed([({"id": "a"}, None)], None)


def test_next_cursor_never_moves_back() -> None:
    old = Cursor(T1, "z")
    assert next_cursor([Candidate("a", T0, {})], old) == old
    assert next_cursor([Candidate("a", T1, {})], Cursor(T0, "z")) == Cursor(T1, "a")
    assert next_cursor([], None) is None


def test_expiry_is_epoch_seconds_days_ahead() -> None:
    assert expiry(1_700_000_000.9, 30) == 1_700_000_000 + 30 * 86_400


def test_timestamps_are_fixed_width_utc_text() -> None:
    assert as_timestamp("2025-01-31T10:00:00+02:00") == "2025-01-31T08:00:00.000000Z"
    assert as_timestamp(dt.datetime(2025, 1, 31, 8)) == "2025-01-31T08:00:00.000000Z"
    assert as_timestamp("yesterday") is None and as_timestamp(12) is None


def test_storable_converts_what_tables_cannot_hold() -> None:
    value = {"m": [("k", 1)], "t": dt.date(2025, 1, 31), "f": math.inf, "l": (1, "a")}
    assert storable(value) == {"m": {"k": 1}, "t": "2025-01-31", "f": None, "l": [1, "a"]}


def test_private_record_keeps_everything_but_bulky_columns() -> None:
    record = private_record(Candidate("s1", T0, ROW), **STAMPS)
    assert record["contacts"] == ROW["contacts"] and record["extra"] == ROW["extra"]
    assert record["description"] == ROW["description"]
    assert not BULKY_FIELDS & set(record)
    assert record["startup_id"] == "s1" and record["expires_at"] == STAMPS["expires_at"]
    check("startup_private_record", record)


def test_public_record_is_the_allow_list_with_text_masked() -> None:
    record = public_record(Candidate("s1", T0, ROW), **STAMPS)
    assert set(record) <= set(PUBLIC_FIELDS)
    assert "contacts" not in record and "extra" not in record and "markdown" not in record
    assert record["description"] == (
        "Real-time fraud scoring. Ask [redacted-name] ([redacted-email], [redacted-phone]) or "
        "see [redacted-profile]."
    )
    assert record["keywords"] == ["fraud", "payments"]  # keywords with personal data dropped
    assert record["domain"] == "acme.io" and record["name"] == "Acme Fraud"
    assert record["linkedin_url"] == ROW["linkedin_url"]
    check("startup_public_record", record)


def test_public_record_drops_personal_or_malformed_links_and_numbers() -> None:
    row = {
        **ROW,
        "linkedin_url": "https://linkedin.com/in/jane-doe",
        "website": "mailto:jane@acme.io",
        "domain": "not a domain",
        "employees": -3,
        "founded_year": 1200,
        "health_score": float("nan"),
        "name": None,
    }
    record = public_record(Candidate("s1", T0, row), **STAMPS)
    for name in ("linkedin_url", "website", "domain", "employees", "founded_year"):
        assert name not in record, name
    assert "health_score" not in record and record["name"] == "s1"
    check("startup_public_record", record)


def test_public_record_hash_ignores_publish_stamps() -> None:
    candidate = Candidate("s1", T0, ROW)
    first = public_record(candidate, **STAMPS)
    again = public_record(candidate, published_at=T1, expires_at=1_900_000_000)
    assert first["record_hash"] == again["record_hash"]
    assert record_hash({"a": 1}) != record_hash({"a": 2})


def test_known_pii_collects_people_addresses_and_extra_contacts() -> None:
    known = known_pii({**ROW, "emails": ["info@acme.io"], "phones": "+1 555 010 0000"})
    assert "Jane Doe" in known.names
    assert {"jane@acme.io", "info@acme.io", "boss@acme.io"} <= set(known.emails)
    assert "+1 555 010 0000" in known.phones


def _public() -> dict[str, Any]:
    return public_record(Candidate("s1", T0, ROW), **STAMPS)


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"contacts": [{"name": "Jane Doe"}]}, "Additional properties"),
        ({"email": "jane@acme.io"}, "Additional properties"),
        ({"phones": ["+1 555"]}, "Additional properties"),
        ({"extra": {}}, "Additional properties"),
        ({"description": "mail jane@acme.io"}, "description: breaks the 'not' rule"),
        ({"description": "mail jane [at] acme"}, "description: breaks the 'not' rule"),
        ({"city": "call +44 20 7946 0958"}, "city: breaks the 'not' rule"),
        ({"keywords": ["x", "jane&#64;acme.io"]}, "keywords/1: breaks the 'not' rule"),
        ({"linkedin_url": "https://linkedin.com/in/jane"}, "linkedin_url: breaks the 'pattern'"),
        ({"expires_at": "soon"}, "expires_at: breaks the 'type' rule"),
    ],
)
def test_public_schema_refuses_personal_data_without_echoing_it(
    change: dict[str, Any], rule: str
) -> None:
    record = {**_public(), **change}
    with pytest.raises(ValidationError, match=rule) as caught:
        check("startup_public_record", record, redact=True, subject=" 's1'")
    assert "jane" not in str(caught.value).lower()  # the value never reaches a log


def test_public_schema_requires_the_ttl_and_stamps() -> None:
    record = _public()
    del record["expires_at"]
    with pytest.raises(ValidationError, match="'expires_at' is a required property"):
        check("startup_public_record", record)


def test_private_schema_refuses_bulky_columns() -> None:
    record = private_record(Candidate("s1", T0, {"id": "s1"}), **STAMPS)
    with pytest.raises(ValidationError, match="breaks the 'not' rule"):
        check("startup_private_record", {**record, "markdown": "# page"}, redact=True)
