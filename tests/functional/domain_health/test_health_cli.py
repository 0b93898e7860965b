"""``thera health-check``: JSON lines in input order, a table, per-line errors, the options."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["health-check", *args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def write(tmp_path: Path, *lines: str) -> str:
    path = tmp_path / "domains.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_json_lines_in_input_order(tmp_path: Path, settings_file: Path) -> None:
    lines = ["slowish.test", "healthy.test", "# a comment", "", "nxdomain.test", "bad line",
             "http://0x7f.1/"]  # fmt: skip
    code, out, _ = run(write(tmp_path, *lines), "--testweb", str(settings_file), "--json",
                       "--timeout", "4", "--concurrency", "4")  # fmt: skip
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in records] == [1, 2, 5, 6, 7]
    assert [r["input"] for r in records] == ["slowish.test", "healthy.test", "nxdomain.test",
                                             "bad line", "http://0x7f.1/"]  # fmt: skip
    assert records[1]["score"] == 100
    assert records[2]["flags"] == ["dns_fail"]
    assert records[3]["status"] == "invalid" and "check the line" in records[3]["error"]
    assert records[4]["flags"] == ["blocked_private_address"]


def test_table_output(tmp_path: Path, settings_file: Path) -> None:
    code, out, _ = run(write(tmp_path, "healthy.test", "parked.test", "bad line"),
                       "--testweb", str(settings_file), "--timeout", "4")  # fmt: skip
    assert code == 0
    assert "healthy.test" in out and "parked" in out and "invalid" in out
    assert "3 lines: 1 healthy (score >= 60), 1 not, 1 invalid." in out


def test_testweb_from_the_environment(tmp_path: Path, settings_file: Path) -> None:
    code, out, _ = run(write(tmp_path, "healthy.test"), "--json", "--timeout", "4",
                       env={"THERA_TESTWEB": str(settings_file)})  # fmt: skip
    assert code == 0 and json.loads(out)["score"] == 100


def test_nameserver_alone_keeps_the_production_rules(tmp_path: Path, web: TestWeb) -> None:
    # The web's DNS answers with documentation addresses: without its dial map they are refused.
    code, out, _ = run(write(tmp_path, "healthy.test"), "--nameserver", web.nameserver, "--json",
                       "--timeout", "4")  # fmt: skip
    record = json.loads(out)
    assert code == 0 and record["flags"] == ["blocked_private_address"]
    refused = record["evidence"]["blocked_private_address"]["targets"][0]["refused"]
    assert {r["reason"] for r in refused} == {"documentation"}


def test_allow_private_networks_warns_and_reaches_loopback(
    tmp_path: Path, settings_file: Path, web: TestWeb
) -> None:
    before = web.canary_connections
    code, out, err = run(write(tmp_path, f"http://{web.canary_host}/"), "--testweb",
                         str(settings_file), "--allow-private-networks", "--json",
                         "--timeout", "4")  # fmt: skip
    assert code == 0 and "only on test networks" in err
    assert "blocked_private_address" not in json.loads(out)["flags"]
    assert web.canary_connections == before + 1


def test_usage_errors(tmp_path: Path, settings_file: Path) -> None:
    path = write(tmp_path, "healthy.test")
    assert run(path, "--concurrency", "0")[0] == 2
    assert run(str(tmp_path / "missing.txt"))[0] == 2
    code, _, err = run(path, "--nameserver", "dns.example.com")
    assert code == 2 and "HOST:PORT" in err
    code, _, err = run(path, "--testweb", str(tmp_path / "nope.json"))
    assert code == 2 and "Cannot read test web settings" in err


def test_empty_file(tmp_path: Path, settings_file: Path) -> None:
    code, out, _ = run(write(tmp_path, ""), "--testweb", str(settings_file), "--json")
    assert code == 0 and out == ""
