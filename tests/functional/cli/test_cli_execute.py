"""``thera execute``: any ASL definition on the local engine."""

from __future__ import annotations

import json

from click.testing import CliRunner

from thera_sdk.cli import main


def execute(tmp_path, definition: dict, *args: str):
    path = tmp_path / "machine.asl.json"
    path.write_text(json.dumps(definition))
    return CliRunner().invoke(main, ["execute", str(path), *args])


def test_a_definition_runs_and_prints_its_execution(tmp_path):
    result = execute(
        tmp_path,
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"n.$": "$.n"},
                                          "End": True}}},
        "--input", '{"n": 3, "x": 1}', "--json", "--name", "r1",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "name": "r1", "status": "SUCCEEDED", "output": {"n": 3}, "error": None, "cause": None,
    }


def test_a_failing_run_exits_one_with_its_error(tmp_path):
    result = execute(tmp_path, {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom",
                                                                 "Cause": "on purpose"}}})
    assert result.exit_code == 1
    assert "FAILED: Boom: on purpose" in result.stderr


def test_an_invalid_definition_or_input_is_a_usage_error(tmp_path):
    bad = execute(tmp_path, {"StartAt": "Missing", "States": {"A": {"Type": "Pass", "End": True}}})
    assert bad.exit_code == 2 and "Missing" in bad.stderr
    bad_input = execute(tmp_path, {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                        "--input", "{nope")
    assert bad_input.exit_code == 2 and "not valid JSON" in bad_input.stderr
