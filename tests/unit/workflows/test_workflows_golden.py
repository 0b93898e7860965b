"""Compiled examples: golden ASL files, our validator and cfn-lint.

Regenerate the golden files with ``UPDATE_GOLDEN=1 python -m pytest tests/unit/workflows``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint
from wf_examples import EXAMPLES

from workflows import StateMachine, check_definition, validate_definition

GOLDEN = Path(__file__).resolve().parents[2] / "golden"


def _dump(definition: dict[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_compiled_example_matches_golden_file(name: str) -> None:
    # GIVEN an example machine WHEN it compiles
    compiled = _dump(EXAMPLES[name]().compile())
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(compiled, encoding="utf-8")
    # THEN the ASL is exactly the checked-in golden file
    assert path.exists(), f"missing {path}; run with UPDATE_GOLDEN=1 to create it"
    assert compiled == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_compiled_example_is_valid_and_deterministic(name: str) -> None:
    compiled = EXAMPLES[name]().compile()
    assert validate_definition(compiled) == []
    assert validate_definition(json.dumps(compiled)) == []
    assert check_definition(compiled) == compiled
    assert EXAMPLES[name]().compile() == compiled


def test_golden_files_have_an_example_each() -> None:
    assert sorted(p.stem for p in GOLDEN.glob("*.json")) == sorted(EXAMPLES)


def test_examples_cover_every_state_type_and_a_distributed_map() -> None:
    kinds: set[str] = set()
    modes: set[str] = set()

    def walk(machine: dict[str, Any]) -> None:
        for state in machine["States"].values():
            kinds.add(state["Type"])
            for branch in state.get("Branches", []):
                walk(branch)
            if "ItemProcessor" in state:
                modes.add(state["ItemProcessor"]["ProcessorConfig"]["Mode"])
                walk(state["ItemProcessor"])

    for build in EXAMPLES.values():
        walk(build().compile())
    assert kinds == {"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}
    assert modes == {"INLINE", "DISTRIBUTED"}
    every = EXAMPLES["every_state_type"]().compile()
    assert {s["Type"] for s in every["States"].values()} >= {
        "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"
    }  # fmt: skip


def _resource(arn: str, machine_name: str) -> Any:
    # Placeholders such as ${AWS::Region} are meant for Fn::Sub.
    if "${" not in arn:
        return arn
    return {"Fn::Sub": [arn, {"StateMachineName": machine_name}]}


def _template(machines: dict[str, StateMachine]) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for name, machine in machines.items():
        logical = name.title().replace("_", "")
        statements = [
            {
                "Effect": "Allow",
                "Action": list(statement.actions),
                "Resource": [_resource(r, name) for r in statement.resources],
            }
            for statement in machine.iam_statements()
        ]
        resources[f"{logical}Role"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "states.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "Policies": [
                    {
                        "PolicyName": "run",
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                    }
                ],
            },
        }
        resources[logical] = {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineName": name,
                "RoleArn": {"Fn::GetAtt": [f"{logical}Role", "Arn"]},
                "Definition": machine.compile(),
            },
        }
    # A machine with a literal RoleArn, as the minimal template of the issue.
    resources["Minimal"] = {
        "Type": "AWS::StepFunctions::StateMachine",
        "Properties": {
            "RoleArn": "arn:aws:iam::123456789012:role/thera-workflows",
            "Definition": EXAMPLES["every_state_type"]().compile(),
        },
    }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def test_cfn_lint_accepts_every_example_and_its_iam_role() -> None:
    # GIVEN a template with every example as an AWS::StepFunctions::StateMachine
    template = _template({name: build() for name, build in EXAMPLES.items()})
    # WHEN cfn-lint checks it
    matches = lint(json.dumps(template), regions=["us-east-1"])
    # THEN there is no error and no warning
    assert [f"{m.rule.id} {m.message} {m.path}" for m in matches] == []


def test_cfn_lint_would_catch_a_broken_definition() -> None:
    # GIVEN a definition cfn-lint rejects (guards the test above against checking nothing)
    template = _template({})
    template["Resources"]["Minimal"]["Properties"]["Definition"]["States"]["Seed"]["Bogus"] = 1
    matches = lint(json.dumps(template), regions=["us-east-1"])
    assert any("Bogus" in m.message for m in matches)
