"""Every flag and failure path of the health checks, against the loopback test web."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from tasks.domain_health import CheckConfig, HealthChecker, check_domains
from tasks.domain_health.logic import WAITING_PER_SLOT
from thera_sdk.testweb import TestWeb

EXPECTED = {
    "healthy.test": set(),
    "alias.test": set(),
    "no-mx.test": {"no_mx"},
    "nxdomain.test": {"dns_fail"},
    "servfail.test": {"dns_fail"},
    "dns-timeout.test": {"dns_fail"},
    "expired-cert.test": {"tls_invalid"},
    "expiring-cert.test": {"tls_expiring"},
    "wrong-host.test": {"tls_invalid"},
    "untrusted-cert.test": {"tls_invalid"},
    "http-only.test": {"http_only"},
    "no-https-redirect.test": {"no_https_redirect"},
    "unreachable.test": {"unreachable"},
    "server-error.test": {"server_error"},
    "not-found.test": {"http_error"},
    "slow.test": {"unreachable", "timeout"},
    "slowish.test": {"slow_response"},
    "redirect-loop.test": {"redirect_loop"},
    "redirect-many.test": {"too_many_redirects"},
    "redirect-offsite.test": {"redirect_offsite"},
    "redirect-port.test": {"blocked_port"},
    "redirect-private.test": {"blocked_private_address"},
    "redirect-metadata.test": {"blocked_private_address"},
    "redirect-private-name.test": {"blocked_private_address"},
    "private-name.test": {"blocked_private_address"},
    "loopback-name.test": {"blocked_private_address"},
    "metadata-name.test": {"blocked_private_address"},
    "mapped-name.test": {"blocked_private_address"},
    "mixed-name.test": {"blocked_private_address"},
    "parked.test": {"parked", "thin_content"},
    "default-page.test": {"default_page", "thin_content"},
    "placeholder.test": {"placeholder", "thin_content"},
    "empty.test": {"thin_content"},
    "big.test": set(),
}


@pytest.fixture(scope="module")
def records(web: TestWeb, config: CheckConfig) -> dict[str, dict[str, Any]]:
    results = asyncio.run(check_domains(list(EXPECTED), config))
    assert web.canary_connections == 0
    return {r["input"]: r for r in results}


@pytest.mark.parametrize(("domain", "flags"), sorted(EXPECTED.items()))
def test_flags(records: dict[str, dict[str, Any]], domain: str, flags: set[str]) -> None:
    record = records[domain]
    assert set(record["flags"]) == flags, record["evidence"]
    assert set(record["evidence"]) == flags
    assert record["status"] == "checked"
    assert 0 <= record["score"] <= 100
    if flags & {"dns_fail", "blocked_private_address", "unreachable"}:
        assert record["score"] == 0


def test_healthy_record_in_full(records: dict[str, dict[str, Any]], web: TestWeb) -> None:
    record = records["healthy.test"]
    assert record["score"] == 100
    assert record["dns"]["a"] == [web.address_of("healthy.test")[0]]
    assert record["dns"]["mx"] == ["10 mail.healthy.test"]
    assert record["http"]["upgraded_to_https"] is True
    assert record["http"]["hops"][0]["status"] == 301
    assert record["https"]["final_url"] == "https://healthy.test/"
    assert record["tls"]["valid"] and record["tls"]["protocol"] == "TLSv1.3"
    assert record["content"]["title"] == "Healthy Robotics"
    assert record["content"]["text_chars"] > 300


def test_alias_records_its_cname(records: dict[str, dict[str, Any]]) -> None:
    assert records["alias.test"]["dns"]["cname"] == ["healthy.test"]


@pytest.mark.parametrize(
    ("domain", "status"),
    [("nxdomain.test", "nxdomain"), ("servfail.test", "servfail"), ("dns-timeout.test", "timeout")],
)
def test_dns_failure_evidence(records: dict[str, dict[str, Any]], domain: str, status: str) -> None:
    assert records[domain]["evidence"]["dns_fail"]["status"] == status
    assert records[domain]["http"] is None  # nothing was fetched


@pytest.mark.parametrize(
    ("domain", "reason"),
    [("expired-cert.test", "expired"), ("wrong-host.test", "hostname_mismatch"),
     ("untrusted-cert.test", "untrusted_issuer")],
)  # fmt: skip
def test_tls_invalid_evidence(records: dict[str, dict[str, Any]], domain: str, reason: str) -> None:
    evidence = records[domain]["evidence"]["tls_invalid"]
    assert evidence["reason"] == reason
    certificate = evidence["certificate"]
    assert certificate["protocol"] == "TLSv1.3"
    if reason == "expired":
        assert certificate["days_to_expiry"] < 0
    if reason == "hostname_mismatch":
        assert certificate["names"] == ["someone-else.test", "www.someone-else.test"]
    # the content still comes from plain http
    assert records[domain]["tls"]["valid"] is False


def test_tls_expiring_evidence(records: dict[str, dict[str, Any]]) -> None:
    assert records["expiring-cert.test"]["evidence"]["tls_expiring"]["days_to_expiry"] == 5


def test_blocked_evidence_names_address_and_reason(
    records: dict[str, dict[str, Any]], web: TestWeb
) -> None:
    def refused(domain: str) -> list[dict[str, str]]:
        targets = records[domain]["evidence"]["blocked_private_address"]["targets"]
        return [r for target in targets for r in target["refused"]]

    assert {r["reason"] for r in refused("redirect-private.test")} >= {"loopback"}
    assert refused("redirect-metadata.test")[0]["address"] == "169.254.169.254"
    assert refused("redirect-metadata.test")[0]["reason"] == "cloud_metadata"
    assert refused("redirect-private-name.test")[0]["address"] == "10.0.0.7"
    assert refused("mapped-name.test")[0]["embedded_ipv4"] == "127.0.0.1"
    assert refused("mixed-name.test") == [
        {
            "address": "192.168.1.10",
            "reason": "private",
            "detail": "private network (192.168.0.0/16)",
        }
    ]
    # the redirect hop is recorded, the refused target is not fetched
    hops = records["redirect-private.test"]["https"]["hops"]
    assert hops[0]["status"] == 302 and hops[0]["location"].startswith("http://127.0.0.1:")
    assert "Refused" in hops[1]["error"]
    assert not any(r.host.startswith("127.0.0.1") for r in web.requests)


def test_redirect_chains_are_recorded(records: dict[str, dict[str, Any]]) -> None:
    loop = records["redirect-loop.test"]["evidence"]["redirect_loop"]
    assert loop["hops"] == [f"https://redirect-loop.test{p}" for p in ("/", "/a", "/b")]
    many = records["redirect-many.test"]["https"]
    assert len(many["hops"]) == 11  # the start and ten redirects
    offsite = records["redirect-offsite.test"]["evidence"]["redirect_offsite"]
    assert offsite == {"from": "https://redirect-offsite.test/", "to": "https://healthy.test/"}


def test_content_evidence(records: dict[str, dict[str, Any]]) -> None:
    assert records["parked.test"]["evidence"]["parked"]["for_sale"] is True
    assert "welcome to nginx" in records["default-page.test"]["evidence"]["default_page"]["phrases"]
    assert records["empty.test"]["content"]["bytes"] == 0
    assert records["big.test"]["content"]["truncated"] is True
    assert records["big.test"]["content"]["bytes"] == 512 * 1024
    assert records["server-error.test"]["evidence"]["server_error"]["status"] == 500


def test_bad_lines_and_literal_addresses(web: TestWeb, config: CheckConfig) -> None:
    lines = ["", "not a domain", "ftp://healthy.test/", "http://0x7f.1/", "https://[::1]/",
             "http://healthy.test:99999/", "HTTPS://Healthy.TEST:443/"]  # fmt: skip
    records = asyncio.run(check_domains(lines, config))
    statuses = [r["status"] for r in records]
    assert statuses == ["invalid", "invalid", "checked", "checked", "checked", "invalid", "checked"]
    assert "empty" in records[0]["error"] and "characters" in records[1]["error"]
    assert "65535" in records[5]["error"]
    for record in records[2:5]:
        assert record["flags"] == ["blocked_private_address"], record
        assert record["score"] == 0
    refused = records[2]["evidence"]["blocked_private_address"]["targets"][0]["refused"]
    assert refused[0]["reason"] == "unsupported_scheme"
    assert records[6]["score"] == 100 and records[6]["domain"] == "healthy.test"
    assert web.canary_connections == 0


def test_allow_private_networks_lets_checks_reach_loopback(
    web: TestWeb, config: CheckConfig
) -> None:
    policy = replace(config.policy, allow_private_networks=True)
    records = asyncio.run(
        check_domains([f"http://{web.canary_host}/"], replace(config, policy=policy))
    )
    assert "blocked_private_address" not in records[0]["flags"]
    assert web.canary_connections == 1


def test_one_slow_domain_does_not_hold_up_the_batch(config: CheckConfig) -> None:
    lines = ["slow.test"] + ["healthy.test"] * 8

    async def main() -> tuple[list[float], int]:
        finished: list[float] = []
        most_tasks = 0
        start = time.monotonic()
        async with HealthChecker(replace(config, concurrency=2)) as checker:
            async for index, record in checker.check_many(lines):
                most_tasks = max(most_tasks, len(asyncio.all_tasks()))
                finished.append(time.monotonic() - start)
                assert record["input"] == lines[index]
        return finished, most_tasks

    finished, most_tasks = asyncio.run(main())
    assert len(finished) == len(lines)
    assert finished[-1] < 3.0  # the healthy ones ran beside the slow one
    assert most_tasks <= 2 + 3  # two checks (and their two chains), plus the main task


def test_checks_wait_for_a_slow_reader(config: CheckConfig) -> None:
    # GIVEN lines judged without the network (invalid), one check at a time
    taken = 0

    async def lines() -> AsyncIterator[str]:
        nonlocal taken
        for _ in range(1000):
            taken += 1
            yield "bad line"

    async def main() -> tuple[int, int, int]:
        read = 0
        async with HealthChecker(replace(config, concurrency=1)) as checker:
            async for _index, _record in checker.check_many(lines()):
                read += 1
                if read == 5:
                    await asyncio.sleep(0.5)  # WHEN the reader stops for a while
                    ahead = taken - read
            return read, ahead, taken

    read, ahead, taken = asyncio.run(main())
    # THEN checks ran ahead by at most WAITING_PER_SLOT records, and every line came out
    assert read == taken == 1000
    assert WAITING_PER_SLOT <= ahead <= WAITING_PER_SLOT + 3


def test_deadline_skips_what_cannot_finish(config: CheckConfig) -> None:
    records = asyncio.run(
        check_domains(["healthy.test", "empty.test"], config, deadline=time.monotonic() + 1)
    )
    assert [r["status"] for r in records] == ["skipped", "skipped"]
    assert "ran out of time" in records[0]["error"]
