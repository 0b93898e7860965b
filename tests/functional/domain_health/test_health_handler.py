"""The Lambda handler with the local ports: event in, silver Parquet out, small result back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tasks.domain_health._rows import ROW_SCHEMA
from tasks.domain_health.handler import handler
from thera_sdk import Ports, Settings, ValidationError, build_ports
from thera_sdk.local import LambdaContext
from thera_sdk.storage import read_dataset, read_parquet
from thera_sdk.testweb import TestWeb

OPTIONS = {"timeout_seconds": 4, "concurrency": 20}


@pytest.fixture
def ports(tmp_path: Path, settings_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Ports]:
    monkeypatch.setenv("THERA_TESTWEB", str(settings_file))
    monkeypatch.delenv("THERA_NAMESERVER", raising=False)
    monkeypatch.delenv("THERA_ALLOW_PRIVATE_NETWORKS", raising=False)
    with build_ports(Settings(home=tmp_path / "home")) as built:
        yield built


def test_inline_batch_replaces_the_days_partition(ports: Ports, web: TestWeb) -> None:
    event = {"date": "2025-01-31", "domains": ["healthy.test", "nxdomain.test",
             "redirect-private.test", "no domain here"], "options": OPTIONS}  # fmt: skip
    result = handler(event, None, ports=ports)
    assert result["checked"] == 4
    assert (result["healthy"], result["unhealthy"], result["invalid"]) == (1, 2, 1)
    assert result["blocked"] == 1 and result["skipped"] == 0 and result["complete"]
    assert result["flags"] == {"blocked_private_address": 1, "dns_fail": 1}
    [key] = result["keys"]
    assert key.startswith("silver/domain_health/date=2025-01-31/part-")
    table = read_dataset(ports.objects, ports.settings.data_bucket, "silver/domain_health")
    rows = {r["input"]: r for r in table.to_pylist()}
    assert set(rows) == set(event["domains"])
    assert rows["healthy.test"]["score"] == 100 and rows["healthy.test"]["tls_valid"]
    assert rows["nxdomain.test"]["dns_status"] == "nxdomain"
    assert rows["no domain here"]["status"] == "invalid"
    assert str(rows["healthy.test"]["date"]) == "2025-01-31"
    # re-running the day replaces it
    handler(dict(event, domains=["empty.test"]), None, ports=ports)
    again = read_dataset(ports.objects, ports.settings.data_bucket, "silver/domain_health")
    assert again.column("input").to_pylist() == ["empty.test"]
    assert web.canary_connections == 0


def test_batches_from_a_source_object_write_their_own_files(ports: Ports) -> None:
    bucket = ports.settings.data_bucket
    ports.objects.put(bucket, "inputs/batch.txt", b'healthy.test\n{"domain": "parked.test"}\n')
    for batch in ("b1", "b2"):
        event = {"date": "2025-02-01", "batch_id": batch, "source": {"key": "inputs/batch.txt"},
                 "options": OPTIONS}  # fmt: skip
        result = handler(event, None, ports=ports)
        assert result["keys"] == [f"silver/domain_health/date=2025-02-01/part-{batch}.parquet"]
        assert result["batch_id"] == batch
    table = read_parquet(ports.objects, bucket, result["keys"][0])
    assert table.schema.equals(ROW_SCHEMA)
    assert table.column("input").to_pylist() == ["healthy.test", "parked.test"]
    both = read_dataset(ports.objects, bucket, "silver/domain_health", dates=["2025-02-01"])
    assert both.num_rows == 4


def test_lines_that_cannot_finish_in_time_are_skipped(ports: Ports) -> None:
    context = LambdaContext("domain-health", "arn:aws:lambda:::function:dh", lambda: 16_000)
    event = {"date": "2025-01-31", "domains": ["healthy.test"], "options": OPTIONS}
    result = handler(event, context, ports=ports)
    assert (result["checked"], result["skipped"], result["complete"]) == (0, 1, False)


def test_bad_events_are_refused_before_any_work(ports: Ports) -> None:
    with pytest.raises(ValidationError, match="domains"):
        handler({"date": "2025-01-31", "domains": []}, None, ports=ports)
    with pytest.raises(ValidationError, match="Additional properties"):
        handler({"date": "2025-01-31", "domains": ["a.test"], "nameserver": "1.1.1.1"}, None,
                ports=ports)  # fmt: skip


def test_private_networks_cannot_be_allowed_on_aws(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    from thera_sdk import ConfigurationError

    monkeypatch.setenv("THERA_ALLOW_PRIVATE_NETWORKS", "1")
    monkeypatch.setenv("THERA_BACKEND", "aws")
    with pytest.raises(ConfigurationError, match="THERA_BACKEND=aws"):
        handler({"date": "2025-01-31", "domains": ["a.test"]}, None, ports=ports)
