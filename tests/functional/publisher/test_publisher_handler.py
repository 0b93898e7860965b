"""The publisher handler on the local adapters: incremental runs, the watermark, TTL, checks."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from tasks.publisher import WATERMARK, Cursor, handler, table_specs
from thera_sdk import (
    ConfigurationError,
    Ports,
    Settings,
    ThrottledError,
    ValidationError,
    build_ports,
)
from thera_sdk.storage import write_parquet, write_partition

NOW = float(int(time.time()))  # items must not have expired for the tables port's real clock
DAY_SECONDS = 86_400


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[Ports]:
    with build_ports(Settings(home=tmp_path)) as built:
        yield built


def _company(startup_id: str, updated_at: str, description: str = "Fraud scoring.") -> dict:
    return {
        "id": startup_id,
        "name": f"Startup {startup_id}",
        "domain": f"{startup_id}.example.com",
        "description": description,
        "updated_at": updated_at,
        "contacts": [{"name": "Jane Doe", "email": "jane@example.com", "phone": "+1 555 010 9999"}],
    }


def _write_day(ports: Ports, day: str, rows: list[dict]) -> None:
    table = pa.Table.from_pylist(rows)
    write_partition(
        ports.objects, ports.settings.data_bucket, "private/silver/companies", day, table
    )


def _items(ports: Ports, which: int) -> dict[str, dict[str, Any]]:
    name = table_specs(ports)[which].name
    return {item["startup_id"]: item for item in ports.tables.scan_all(name)}


def _watermark(ports: Ports) -> Cursor | None:
    from thera_sdk import ParameterNotFoundError

    try:
        value = ports.parameters.get(ports.settings.parameter_name(WATERMARK)).value
    except ParameterNotFoundError:
        return None
    return Cursor.parse(value)


def test_second_run_publishes_only_what_changed(ports: Ports) -> None:
    # GIVEN a first day of three companies, published
    _write_day(ports, "2025-01-30", [_company(s, "2025-01-30T08:00:00Z") for s in "abc"])
    first = handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    assert first["published"] == 3 and first["status"] == "published"
    # WHEN the same day runs again
    again = handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    # THEN nothing is published
    assert again["status"] == "up_to_date" and again["published"] == 0

    # WHEN the next day brings one changed company, one new, and one unchanged copy
    _write_day(
        ports,
        "2025-01-31",
        [
            _company("b", "2025-01-31T09:00:00Z", "Now with payments."),
            _company("d", "2025-01-31T09:30:00Z"),
            _company("c", "2025-01-30T08:00:00Z"),  # same version as already published
        ],
    )
    second = handler({"date": "2025-01-31"}, ports=ports, clock=lambda: NOW + 60)
    # THEN only b and d are written, and the watermark is d's cursor
    assert second["published"] == 2 and second["read"] == 3
    public = _items(ports, 0)
    assert sorted(public) == ["a", "b", "c", "d"]
    assert public["b"]["description"] == "Now with payments."
    assert public["c"]["published_at"] == public["a"]["published_at"] != public["b"]["published_at"]
    assert _watermark(ports) == Cursor("2025-01-31T09:30:00.000000Z", "d")


def test_full_refresh_republishes_everything_and_keeps_the_watermark(ports: Ports) -> None:
    _write_day(ports, "2025-01-30", [_company(s, "2025-01-30T08:00:00Z") for s in "ab"])
    handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    mark = _watermark(ports)
    result = handler({"date": "2025-01-30", "full_refresh": True}, ports=ports, clock=lambda: NOW)
    assert result["published"] == 2 and _watermark(ports) == mark


def test_ttl_is_set_on_both_tables_from_the_configured_days(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a TTL of 7 days from the environment
    monkeypatch.setenv("THERA_PUBLISH_TTL_DAYS", "7")
    _write_day(ports, "2025-01-30", [_company("a", "2025-01-30T08:00:00Z")])
    # WHEN published
    result = handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    # THEN both items expire 7 days after the run, and both tables declare the TTL attribute
    expected = int(NOW) + 7 * DAY_SECONDS
    assert result["ttl_days"] == 7 and result["expires_at"] == expected
    for which in (0, 1):
        assert int(_items(ports, which)["a"]["expires_at"]) == expected
        assert ports.tables.describe_table(table_specs(ports)[which].name).ttl_attribute == (
            "expires_at"
        )
    # AND the event's ttl_days wins over the environment
    again = handler(
        {"date": "2025-01-30", "ttl_days": 30, "full_refresh": True},
        ports=ports,
        clock=lambda: NOW,
    )
    assert again["expires_at"] == int(NOW) + 30 * DAY_SECONDS


def test_a_bad_ttl_setting_fails_before_any_work(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THERA_PUBLISH_TTL_DAYS", "0")
    with pytest.raises(ConfigurationError, match="THERA_PUBLISH_TTL_DAYS is '0'; set it to"):
        handler({"date": "2025-01-30"}, ports=ports)
    assert _watermark(ports) is None


def test_private_keeps_contacts_public_never_does(ports: Ports) -> None:
    _write_day(ports, "2025-01-30", [_company("a", "2025-01-30T08:00:00Z", "Ask Jane Doe.")])
    handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    private, public = _items(ports, 1)["a"], _items(ports, 0)["a"]
    assert private["contacts"][0]["email"] == "jane@example.com"
    assert "contacts" not in public and public["description"] == "Ask [redacted-name]."


def test_keys_input_uses_the_folder_day_when_rows_lack_updated_at(ports: Ports) -> None:
    # GIVEN a file in a date folder whose rows carry no updated_at
    key = "bronze/companies/date=2025-01-29/part-0.parquet"
    rows = [{"id": "a", "name": "A"}, {"id": None, "name": "no id"}]
    write_parquet(ports.objects, ports.settings.data_bucket, key, pa.Table.from_pylist(rows))
    # WHEN it is published by key
    result = handler({"keys": [key]}, ports=ports, clock=lambda: NOW)
    # THEN the row takes the folder's day, and the row without id is counted, not written
    assert result["published"] == 1 and result["missing_id"] == 1
    assert _items(ports, 0)["a"]["updated_at"] == "2025-01-29T00:00:00.000000Z"


class _FailingPublicWrites:
    """A tables port whose writes to the public table fail, as when DynamoDB keeps throttling."""

    def __init__(self, inner: Any, public: str) -> None:
        self._inner, self._public = inner, public

    def batch_write(self, table: str, **kwargs: Any) -> int:
        if table == self._public:
            raise ThrottledError("DynamoDB left 3 writes unprocessed after 8 attempts")
        return int(self._inner.batch_write(table, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_watermark_moves_only_after_both_writes_commit(ports: Ports) -> None:
    # GIVEN a day to publish and a public table that cannot be written
    _write_day(ports, "2025-01-30", [_company(s, "2025-01-30T08:00:00Z") for s in "ab"])
    real = ports.tables
    ports.tables = _FailingPublicWrites(real, table_specs(ports)[0].name)  # type: ignore[assignment]
    # WHEN the run fails
    with pytest.raises(ThrottledError):
        handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    # THEN the watermark has not moved
    assert _watermark(ports) is None
    # AND the re-run publishes everything
    ports.tables = real
    result = handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    assert result["published"] == 2 and sorted(_items(ports, 0)) == ["a", "b"]


def test_a_record_failing_the_public_schema_stops_the_run_before_any_write(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a record shaper that leaks a personal field
    module = sys.modules["tasks.publisher.handler"]  # the package's "handler" is the function
    original = module.public_record

    def leaky(candidate: Any, **kwargs: Any) -> dict:
        return {**original(candidate, **kwargs), "email": "jane@example.com"}

    monkeypatch.setattr(module, "public_record", leaky)
    _write_day(ports, "2025-01-30", [_company(s, "2025-01-30T08:00:00Z") for s in "ab"])
    # WHEN / THEN the schema check refuses it and nothing is written anywhere
    with pytest.raises(ValidationError, match=r"startup_public_record 'a'.*'email' was unexpected"):
        handler({"date": "2025-01-30"}, ports=ports, clock=lambda: NOW)
    assert _items(ports, 0) == {} and _items(ports, 1) == {} and _watermark(ports) is None


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "is not valid under any of the given schemas"),
        ({"date": "2025-01-30", "keys": ["a.parquet"]}, "is not valid under any of the given"),
        ({"keys": ["a.parquet"], "dataset": "silver/x"}, "is not valid under any of the given"),
        ({"keys": []}, "keys: \\[\\] should be non-empty"),
        ({"keys": ["notes.txt"]}, "keys/0: 'notes.txt' does not match"),
        ({"date": "2025-01-30", "ttl_days": 0}, "ttl_days: 0 is less than the minimum of 1"),
        ({"date": "2025-01-30", "table": "x"}, "Additional properties are not allowed"),
    ],
)
def test_bad_events_are_refused_before_any_work(ports: Ports, event: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        handler(event, ports=ports)


def test_reads_the_curated_private_rows_as_the_curation_task_writes_them(ports: Ports) -> None:
    # GIVEN one row in the exact schema tasks/curate_companies writes to private/silver/companies
    from tasks.curate_companies.handler import PRIVATE_DATASET, PRIVATE_SCHEMA

    row = {name: None for name in PRIVATE_SCHEMA.names} | {
        "id": "a1",
        "name": "Acme",
        "domain": "acme.io",
        "description": "Card fraud scoring. Ping Ana Lima on +55 11 91234-5678.",
        "keywords": ["fraud", "Ana Lima"],
        "extra": [("ceo_email", "ana@acme.io")],
        "health_score": 90,
        "markdown": "# Acme",
        "updated_at": "2026-01-31T06:00:00+00:00",
        "emails": ["ana@acme.io"],
        "phones": ["+55 11 91234-5678"],
        "people": ["Ana Lima"],
    }
    table = pa.Table.from_pylist([row], schema=PRIVATE_SCHEMA)
    bucket = ports.settings.data_bucket
    write_partition(ports.objects, bucket, PRIVATE_DATASET, "2026-01-31", table)
    # WHEN the publisher runs with the daily workflow's event
    result = handler({"date": "2026-01-31"}, ports=ports, clock=lambda: NOW)
    # THEN the people stay private and the public text is masked
    assert result["published"] == 1
    public, private = _items(ports, 0)["a1"], _items(ports, 1)["a1"]
    assert public["description"] == "Card fraud scoring. Ping [redacted-name] on [redacted-phone]."
    assert public["keywords"] == ["fraud"] and int(public["health_score"]) == 90
    assert private["people"] == ["Ana Lima"] and private["extra"] == {"ceo_email": "ana@acme.io"}
    assert "markdown" not in private and private["updated_at"] == "2026-01-31T06:00:00.000000Z"
