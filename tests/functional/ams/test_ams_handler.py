"""The AMS handler on the local adapters: partitions replaced on re-run, events validated."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest

from tasks.ams import EVENTS_SCHEMA, handler
from thera_sdk import Ports, Settings, ValidationError, build_ports
from thera_sdk.storage import read_dataset, write_partition

DAY = "2025-01-31"
AT = dt.datetime(2025, 1, 31, 9, tzinfo=dt.UTC)


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[Ports]:
    with build_ports(Settings(home=tmp_path)) as built:
        yield built


def _events(ports: Ports, scores: list[float], day: str = DAY) -> None:
    rows = [
        {"challenge_id": f"c{i % 2}", "startup_id": f"s{i}", "score": s, "action": "shown",
         "at": AT}
        for i, s in enumerate(scores)
    ]  # fmt: skip
    table = pa.Table.from_pylist(rows, schema=EVENTS_SCHEMA)
    write_partition(ports.objects, ports.settings.data_bucket, "events/shortlist", day, table)


def _keys(ports: Ports, prefix: str) -> list[str]:
    return [i.key for i in ports.objects.iter_objects(ports.settings.data_bucket, prefix)]


def test_rerun_replaces_the_whole_partition_and_leaves_other_days(ports: Ports) -> None:
    # GIVEN two days computed once
    _events(ports, [0.2, 0.4, 0.6])
    _events(ports, [0.9], day="2025-01-30")
    handler({"date": "2025-01-30"}, ports=ports)
    first = handler({"date": DAY}, ports=ports)
    # WHEN the day's events change and the day is computed again
    _events(ports, [0.8, 1.0])
    second = handler({"date": DAY}, ports=ports)
    # THEN only the new files remain in that day's partitions, with the new figures
    overall_prefix = f"metrics/ams/overall/date={DAY}/"
    assert _keys(ports, overall_prefix) == second["keys"]["overall"]
    assert set(first["keys"]["overall"]).isdisjoint(second["keys"]["overall"])
    assert _keys(ports, f"metrics/ams/challenges/date={DAY}/") == second["keys"]["challenges"]
    table = read_dataset(ports.objects, ports.settings.data_bucket, "metrics/ams/overall")
    by_day = {row["date"]: row for row in table.to_pylist()}
    assert by_day[DAY]["matches_shown"] == 2 and by_day[DAY]["ams"] == pytest.approx(0.9)
    assert by_day["2025-01-30"]["matches_shown"] == 1  # untouched


def test_same_input_twice_gives_identical_tables(ports: Ports) -> None:
    # GIVEN a day computed once
    _events(ports, [0.3, 0.7])
    handler({"date": DAY}, ports=ports)
    bucket = ports.settings.data_bucket
    before = read_dataset(ports.objects, bucket, "metrics/ams/challenges", dates=[DAY])
    # WHEN it is computed again from the same events
    handler({"date": DAY}, ports=ports)
    # THEN the rows are the same (idempotent)
    after = read_dataset(ports.objects, bucket, "metrics/ams/challenges", dates=[DAY])
    assert after.to_pylist() == before.to_pylist()


def test_a_day_without_events_writes_a_zero_row_and_no_challenges(ports: Ports) -> None:
    # GIVEN no events at all WHEN the day is computed
    result = handler({"date": DAY}, ports=ports)
    # THEN the overall partition holds one zero row and the challenge partition no row
    assert result["matches_shown"] == 0 and result["ams"] is None
    bucket = ports.settings.data_bucket
    overall = read_dataset(ports.objects, bucket, "metrics/ams/overall", dates=[DAY])
    per = read_dataset(ports.objects, bucket, "metrics/ams/challenges", dates=[DAY])
    assert overall.column("matches_shown").to_pylist() == [0] and per.num_rows == 0


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, "'date' is a required property"),
        ({"date": "2025-13-01"}, "date: '2025-13-01' does not match"),
        ({"date": DAY, "engine": "spark"}, "engine: 'spark' is not one of"),
        ({"date": DAY, "bucket": "other"}, "Additional properties are not allowed"),
        ({"date": DAY, "events_dataset": "../secrets"}, "events_dataset: '../secrets' does not"),
    ],
)
def test_bad_events_are_refused_before_any_work(ports: Ports, event: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        handler(event, ports=ports)
    assert _keys(ports, "metrics/") == []
