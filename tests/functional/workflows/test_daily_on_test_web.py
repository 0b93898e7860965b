"""The daily workflow end to end on the loopback test web, with the direct scraper."""

from __future__ import annotations

import pytest

from thera_sdk import build_ports
from thera_sdk.demo import import_csv, sample_sites, sample_startups
from thera_sdk.local import LocalEngine
from thera_sdk.storage import read_dataset
from thera_sdk.testweb import TestWeb
from workflows import daily
from workflows.functions import local_functions, local_substitutions

DAY = "2026-02-03"
SCRAPE_FAILS = {
    "StateMachines": {"thera-daily": {"TestCases": {"ScrapeDown": {
        "Scrape sites: batch": "ScrapeDown"}}}},
    "MockedResponses": {"ScrapeDown": {"0-99": {"Throw": {
        "Error": "Firecrawl.Unavailable", "Cause": "the scraping service is down"}}}},
}


@pytest.fixture
def web(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("THERA_HOME", str(home))
    startups = sample_startups(24, seed=3)
    (tmp_path / "web").mkdir()
    with TestWeb(sample_sites(startups, seed=3, broken_share=0.2), directory=tmp_path / "web") as w:
        monkeypatch.setenv("THERA_TESTWEB", str(w.settings().write(tmp_path / "web.json")))
        with build_ports() as ports:
            ports.objects.put(ports.settings.data_bucket, "imports/s.csv", import_csv(startups))
        yield home


def run(mock_config: dict | None = None, test_case: str | None = None):
    engine = LocalEngine(functions=local_functions(), mock_config=mock_config)
    return engine.run(
        daily.build().compile(), {"date": DAY, "source": "file", "file": "imports/s.csv"},
        state_machine_name="thera-daily", substitutions=local_substitutions(),
        test_case=test_case,
    )


def tables() -> dict[str, list[dict]]:
    with build_ports() as ports:
        bucket = ports.settings.data_bucket
        out = {}
        for dataset, key in (("silver/domain_health", "domain"), ("silver/scrape", "url"),
                             ("silver/companies", "id")):
            rows = read_dataset(ports.objects, bucket, dataset, dates=[DAY]).to_pylist()
            out[dataset] = sorted((r[key], r.get("score"), r.get("title")) for r in rows)
        public = ports.tables.scan_all(ports.settings.table_name("startups-public"))
        out["public"] = sorted(r["startup_id"] for r in public)
        return out


def test_daily_run_gates_scrapes_publishes_and_is_idempotent(web):
    # WHEN the day runs twice
    first = run()
    assert first.status == "SUCCEEDED", first.cause
    before = tables()
    second = run()
    assert second.status == "SUCCEEDED", second.cause
    # THEN the broken sites were gated out, the healthy ones scraped, every company published,
    # and the second run left exactly the same tables (partitions replaced, not appended)
    health = before["silver/domain_health"]
    assert len(health) == 24 and any(score < 60 for _, score, _ in health)
    scraped_domains = {url.split("/")[2] for url, _, _ in before["silver/scrape"]}
    healthy = {d for d, score, _ in health if score >= 60}
    assert scraped_domains
    assert scraped_domains <= healthy | {f"www.{d}" for d in healthy}
    assert len(before["public"]) == 24
    assert tables() == before


def test_a_failed_scrape_stage_ends_the_run_with_its_reason_and_a_rerun_recovers(web):
    # GIVEN the scraping service down for the whole stage
    failed = run(SCRAPE_FAILS, "ScrapeDown")
    # THEN the run ends FAILED at the stage, with the reason, before anything is published
    assert failed.status == "FAILED"
    assert failed.error == "States.ExceedToleratedFailureThreshold"
    assert "child executions failed" in failed.cause
    entered = [e["stateEnteredEventDetails"]["name"] for e in failed.history
               if "stateEnteredEventDetails" in e]
    assert "Scrape sites" in entered and "Publish records" not in entered
    # WHEN the day runs again with the service back
    again = run()
    # THEN it completes, and nothing is duplicated
    assert again.status == "SUCCEEDED", again.cause
    result = tables()
    urls = [url for url, _, _ in result["silver/scrape"]]
    assert len(urls) == len(set(urls))
    assert len(result["public"]) == len(set(result["public"])) == 24
