"""Property: no generated personal data ever reaches the public table (or the masker's output).

The rows come from ``publisher_pii_strategies`` (every form the privacy module documents). The
table test runs the real handler on the local adapters: Parquet in, SQLite tables out.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from publisher_pii_strategies import Planted, laced_rows, leaks

from tasks.publisher import PUBLIC_FIELDS, handler, table_specs
from tasks.publisher._records import known_pii
from thera_sdk import Ports, Settings, build_ports
from thera_sdk.privacy import mask_text
from thera_sdk.storage import write_parquet

_ids = itertools.count()


@pytest.fixture(scope="module")
def ports() -> Iterator[Ports]:
    with tempfile.TemporaryDirectory() as home, build_ports(Settings(home=Path(home))) as built:
        yield built


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@settings(max_examples=150, deadline=None)
@given(laced_rows())
def test_masked_description_holds_no_planted_data(case: tuple[dict, Planted]) -> None:
    # GIVEN free text laced with contacts' and strangers' data
    row, planted = case
    # WHEN it is masked with the row's own people as hints
    masked = mask_text(row["description"], known_pii(row))
    # THEN nothing planted can be read back
    assert leaks(masked, planted) == [], masked


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(laced_rows())
def test_public_table_never_receives_planted_data(ports: Ports, case: tuple[dict, Planted]) -> None:
    # GIVEN one company row with contacts and laced free text, as Parquet in the data bucket
    row, planted = case
    startup_id = f"s{next(_ids)}"
    key = f"private/silver/companies/date=2025-01-31/pii-{startup_id}.parquet"
    record = {"id": startup_id, "name": "Acme", "domain": "acme.io", **row}
    write_parquet(ports.objects, ports.settings.data_bucket, key, pa.Table.from_pylist([record]))

    # WHEN the publisher runs on it
    result = handler({"keys": [key], "full_refresh": True}, ports=ports)

    # THEN the public item keeps only allowed fields, and none of its text leaks anything
    assert result["published"] == 1
    public_spec, private_spec = table_specs(ports)
    item = ports.tables.get_item(public_spec.name, {"startup_id": startup_id})
    assert item is not None
    assert set(item) <= set(PUBLIC_FIELDS)
    for text in _strings(item):
        assert leaks(text, planted, free_text=False) == [], text
    for name in ("description", "city", "keywords"):
        for text in _strings(item.get(name)):
            assert leaks(text, planted) == [], text
    # AND the private item still has everything
    private = ports.tables.get_item(private_spec.name, {"startup_id": startup_id})
    assert private is not None and private["contacts"][0]["email"] == planted.emails[0]
