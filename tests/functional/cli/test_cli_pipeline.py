"""The pipeline through the commands a user types: import, run, match, runs, startups."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from thera_sdk.cli import main

DATA = Path(__file__).resolve().parents[2] / "unit" / "embed" / "data"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("THERA_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def thera(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def companies_file(tmp_path: Path, extra_line: str = "") -> Path:
    lines = (DATA / "companies.jsonl").read_text().splitlines()[:40]
    path = tmp_path / "companies.jsonl"
    path.write_text("\n".join(lines) + "\n" + extra_line)
    return path


def test_import_run_and_match_answer_a_challenge(home, tmp_path):
    # GIVEN a list with one broken row, imported
    code, out, _ = thera("import", str(companies_file(tmp_path, '{"id": "x", "name": ""}\n')),
                         "--json")
    summary = json.loads(out)
    assert code == 0 and summary["companies"] == 40
    assert [e["line"] for e in summary["errors"]] == [41]
    # WHEN the daily workflow runs without the web stages
    code, out, _ = thera("run", "daily", "--no-web", "--json")
    run = json.loads(out)
    assert (code, run["status"]) == (0, "SUCCEEDED"), run
    # THEN a fraud challenge finds the fraud-scoring startup first, with reasons
    code, out, _ = thera("match", "Card-not-present fraud is costing our bank; we need "
                         "real-time transaction scoring", "--json", "--limit", "5")
    matches = json.loads(out)
    assert code == 0 and len(matches) == 5
    assert matches[0]["startup_id"] == "fin-01"
    assert set(matches[0]) == {"startup_id", "name", "score", "similarity", "reasons"}
    assert matches[0]["reasons"] and matches[0]["score"] >= matches[-1]["score"]
    # AND the run and the published record can be read back
    code, out, _ = thera("runs", "list", "--json")
    assert json.loads(out.splitlines()[0])["status"] == "SUCCEEDED"
    code, out, _ = thera("startups", "get", "fin-01", "--json")
    assert json.loads(out)["name"] == "Riskwire"


def test_filters_narrow_the_answer(home, tmp_path):
    thera("import", str(companies_file(tmp_path)))
    thera("run", "daily", "--no-web")
    _, out, _ = thera("match", "reduce delivery costs", "--industry", "fintech", "--json")
    assert {m["startup_id"][:3] for m in json.loads(out)} == {"fin"}
    _, out, _ = thera("match", "reduce delivery costs", "--country", "Atlantis", "--json")
    assert json.loads(out) == []


def test_running_a_day_twice_publishes_the_same_records(home, tmp_path):
    thera("import", str(companies_file(tmp_path)))
    thera("run", "daily", "--no-web", "--date", "2026-01-05")
    first = sorted(json.loads(thera("startups", "get", "fin-02", "--json")[1]).items())
    _, out, _ = thera("run", "daily", "--no-web", "--date", "2026-01-05", "--json")
    assert json.loads(out)["status"] == "SUCCEEDED"
    again = sorted(json.loads(thera("startups", "get", "fin-02", "--json")[1]).items())
    stable = {"published_at", "updated_at", "expires_at"}
    assert [kv for kv in first if kv[0] not in stable] == [
        kv for kv in again if kv[0] not in stable
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("match", ""), "empty"),
        (("match", "x" * 20_001), "20,000|20000"),
        (("startups", "get", "nope"), "No startup 'nope'"),
    ],
)
def test_bad_requests_are_one_clear_line_and_a_non_zero_exit(home, tmp_path, args, message):
    thera("import", str(companies_file(tmp_path)))
    thera("run", "daily", "--no-web")
    code, out, err = thera(*args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert __import__("re").search(message, err)


def test_a_run_without_any_source_says_what_to_do(home):
    code, _, err = thera("run", "daily", "--no-web")
    assert code == 2
    assert "thera import FILE" in err
