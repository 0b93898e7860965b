"""The firecrawl_scrape handler over local ports, with the test web and the fake Firecrawl."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fake_firecrawl import API_KEY, FakeFirecrawl

from tasks.firecrawl_scrape import handler
from thera_sdk import Ports, Settings, ValidationError, build_ports
from thera_sdk.match import validate_event
from thera_sdk.scrape import NetworkSettings
from thera_sdk.storage import read_jsonl, read_parquet
from thera_sdk.testweb import TestWeb


@dataclass
class Context:
    remaining_ms: int = 600_000
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[Ports]:
    with build_ports(Settings(home=tmp_path / "home")) as built:
        yield built


@pytest.fixture
def network(web: TestWeb, tmp_path: Path) -> NetworkSettings:
    return NetworkSettings(testweb=str(web.settings().write(tmp_path / "web.json")))


def _failed_domains(ports: Ports) -> dict[str, dict[str, Any]]:
    table = ports.settings.table_name("scrape_failures")
    return {str(i["domain"]): i for i in ports.tables.scan_all(table)}


def test_direct_run_writes_pages_failures_and_raw(ports: Ports, network: NetworkSettings) -> None:
    event = {"date": "2026-03-01", "backend": "direct",
             "domains": ["healthy.test", "nxdomain.test", "redirect-private.test", "ftp://x"]}
    result = handler(event, Context(), ports=ports, network=network)
    validate_event(result, "firecrawl_scrape_result")
    assert (result["backend"], result["targets"], result["scraped"], result["failed"]) == (
        "direct", 4, 1, 3)
    assert result["failure_reasons"] == {"blocked_private_address": 2, "dns_nxdomain": 1}
    bucket = result["bucket"]
    silver = read_parquet(ports.objects, bucket, result["keys"]["silver"])
    assert silver.column("domain").to_pylist() == ["healthy.test"]
    assert silver.column("richness").to_pylist()[0] > 50
    assert silver.column("richness_pricing").to_pylist() == [True]
    failures = read_parquet(ports.objects, bucket, result["keys"]["failures"])
    assert sorted(failures.column("reason").to_pylist()) == [
        "blocked_private_address", "blocked_private_address", "dns_nxdomain"]
    raw = list(read_jsonl(ports.objects, bucket, result["keys"]["raw"]))
    assert len(raw) == 4 and result["keys"]["raw"].startswith("raw/direct/date=2026-03-01/")
    recorded = _failed_domains(ports)
    assert set(recorded) == {"nxdomain.test", "redirect-private.test"}
    assert recorded["nxdomain.test"]["retryable"] is True


def test_failed_domains_are_retried_next_run_and_cleared(
    ports: Ports, network: NetworkSettings
) -> None:
    handler({"backend": "direct", "domains": ["nxdomain.test", "redirect-private.test"]},
            Context(), ports=ports, network=network)
    # The next run brings only a new domain; the retryable failure comes back by itself.
    again = handler({"backend": "direct", "domains": ["healthy.test"]}, Context(), ports=ports,
                    network=network)
    assert (again["targets"], again["retried"], again["failed"]) == (2, 1, 1)
    assert int(_failed_domains(ports)["nxdomain.test"]["attempts"]) == 2
    assert int(_failed_domains(ports)["redirect-private.test"]["attempts"]) == 1
    # Once it scrapes, a domain's failure is forgotten.
    table = ports.settings.table_name("scrape_failures")
    ports.tables.put_item(table, {"domain": "healthy.test", "url": "https://healthy.test/",
                                  "retryable": True, "attempts": 1})
    handler({"backend": "direct", "domains": [], "retry_failed": True}, Context(), ports=ports,
            network=network)
    assert "healthy.test" not in _failed_domains(ports)


def test_a_source_object(ports: Ports, network: NetworkSettings) -> None:
    bucket = ports.settings.data_bucket
    ports.objects.put(bucket, "in/list.jsonl", b'{"domain": "healthy.test"}\n# note\n')
    result = handler({"backend": "direct", "source": {"key": "in/list.jsonl"}}, Context(),
                     ports=ports, network=network)
    assert result["scraped"] == 1


def test_firecrawl_run_with_a_budget(
    ports: Ports, network: NetworkSettings, firecrawl: FakeFirecrawl,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # GIVEN a Firecrawl key, three public sites, one private one, and credits for two pages
    monkeypatch.setenv("THERA_FIRECRAWL_URL", firecrawl.url)
    ports.secrets.put(ports.settings.secret_name("firecrawl"), {"api_key": API_KEY})
    for name in ("healthy.test", "alias.test", "parked.test"):
        firecrawl.add_site(f"https://{name}/")
    firecrawl.per_poll = 5
    event = {"domains": ["healthy.test", "private-name.test", "alias.test", "parked.test"],
             "credit_budget": 2}
    result = handler(event, Context(), ports=ports, network=network)
    # THEN the private site never reached Firecrawl, and the third public site waits
    assert result["backend"] == "firecrawl"
    assert (result["scraped"], result["credits_used"]) == (2, 2)
    assert result["failure_reasons"] == {"blocked_private_address": 1, "budget_exhausted": 1}
    started = [path for method, path in firecrawl.requests if method == "POST"]
    assert started == ["/v2/batch/scrape"]
    assert result["keys"]["raw"].startswith("raw/firecrawl/")


def test_auto_without_a_key_scrapes_directly(ports: Ports, network: NetworkSettings) -> None:
    result = handler({"domains": ["healthy.test"]}, Context(), ports=ports, network=network)
    assert result["backend"] == "direct" and result["scraped"] == 1


def test_events_are_validated(ports: Ports, network: NetworkSettings) -> None:
    with pytest.raises(ValidationError, match="'source' is a required property"):
        handler({"backend": "direct"}, Context(), ports=ports, network=network)
    with pytest.raises(ValidationError, match="allow_private_networks"):
        handler({"domains": ["a.io"], "allow_private_networks": True}, Context(), ports=ports,
                network=network)


def test_a_fanned_out_run_retries_each_failure_once(ports: Ports, network: NetworkSettings) -> None:
    # GIVEN one retryable failure from an earlier day
    handler({"date": "2026-03-01", "backend": "direct", "domains": ["nxdomain.test"]},
            Context(), ports=ports, network=network)
    # WHEN two batches of the next day's run start
    day = "2026-03-02"
    first = handler({"date": day, "batch_id": "b1", "backend": "direct", "domains": []},
                    Context(), ports=ports, network=network)
    second = handler({"date": day, "batch_id": "b2", "backend": "direct", "domains": []},
                     Context(), ports=ports, network=network)
    again = handler({"date": day, "batch_id": "b1", "backend": "direct", "domains": []},
                    Context(), ports=ports, network=network)
    # THEN only the first takes it on (and a re-run of that batch takes it again)
    assert (first["retried"], second["retried"], again["retried"]) == (1, 0, 1)
