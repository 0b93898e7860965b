"""``thera scrape`` against the loopback test web and the fake Firecrawl."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fake_firecrawl import API_KEY, FakeFirecrawl

from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb

LINES = """healthy.test
# a comment, skipped

http://2130706433/
redirect-private.test
not a domain
http://[::ffff:169.254.169.254]/latest
nxdomain.test
"""


@pytest.fixture
def web_file(web: TestWeb, tmp_path: Path) -> str:
    return str(web.settings().write(tmp_path / "web.json"))


@pytest.fixture
def lines_file(tmp_path: Path) -> str:
    path = tmp_path / "lines.txt"
    path.write_text(LINES, encoding="utf-8")
    return str(path)


def _records(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_json_gives_one_object_per_line_in_order(
    web: TestWeb, web_file: str, lines_file: str
) -> None:
    canary = web.canary_connections
    result = CliRunner().invoke(main, ["scrape", lines_file, "--testweb", web_file, "--json"])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert [r["line"] for r in records] == [1, 4, 5, 6, 7, 8]
    by_line = {r["line"]: r for r in records}
    assert by_line[1]["status"] == "scraped" and by_line[1]["title"] == "Healthy Robotics"
    assert by_line[1]["richness"]["team"] is True and by_line[1]["flags"] == []
    for line in (4, 5, 7):
        assert by_line[line]["status"] == "failed"
        assert by_line[line]["flags"] == ["blocked_private_address"]
    assert by_line[6]["status"] == "invalid" and "error" in by_line[6]
    assert by_line[8]["flags"] == ["dns_nxdomain"]
    assert web.canary_connections == canary


def test_table_output_and_markdown(web_file: str, tmp_path: Path) -> None:
    path = tmp_path / "one.txt"
    path.write_text("healthy.test\n", encoding="utf-8")
    table = CliRunner().invoke(main, ["scrape", str(path), "--testweb", web_file])
    assert table.exit_code == 0 and "1 lines: 1 scraped" in table.output
    with_md = CliRunner().invoke(
        main, ["scrape", str(path), "--testweb", web_file, "--json", "--markdown"])
    assert "# Healthy Robotics" in _records(with_md.stdout)[0]["markdown"]


def test_stdin_and_allow_private_networks_warning(web_file: str) -> None:
    result = CliRunner().invoke(
        main, ["scrape", "-", "--testweb", web_file, "--json", "--allow-private-networks"],
        input="healthy.test\n",
    )
    assert result.exit_code == 0
    assert "use it only on test networks" in result.stderr
    assert _records(result.stdout)[0]["status"] == "scraped"


def test_bad_nameserver_is_a_usage_error(lines_file: str) -> None:
    result = CliRunner().invoke(main, ["scrape", lines_file, "--nameserver", "nowhere:x"])
    assert result.exit_code == 2


def test_firecrawl_backend_refuses_private_lines_locally(
    web_file: str, tmp_path: Path, firecrawl: FakeFirecrawl, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FIRECRAWL_API_KEY", API_KEY)
    monkeypatch.setenv("THERA_FIRECRAWL_URL", firecrawl.url)
    firecrawl.add_site("https://healthy.test/")
    path = tmp_path / "mixed.txt"
    path.write_text("healthy.test\nprivate-name.test\nhttp://127.0.0.1/\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["scrape", str(path), "--backend", "firecrawl", "--testweb", web_file, "--json"])
    assert result.exit_code == 0, result.output
    records = _records(result.stdout)
    assert [r["status"] for r in records] == ["scraped", "failed", "failed"]
    assert records[0]["backend"] == "firecrawl" and records[0]["credits_used"] == 1
    assert records[1]["flags"] == records[2]["flags"] == ["blocked_private_address"]
    assert firecrawl.requests == [("POST", "/v2/scrape")]  # only the public site was sent


def test_firecrawl_backend_without_a_key(
    lines_file: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("FIRECRAWL_API_KEY", raising=False)
    monkeypatch.setenv("THERA_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["scrape", lines_file, "--backend", "firecrawl"])
    assert result.exit_code == 2 and "FIRECRAWL_API_KEY" in result.output
