"""The rendered stack: what every function, workflow, table and schedule gets, and its IAM."""

from __future__ import annotations

import json
from typing import Any

import pytest
from deploy_examples import example_workflows

from thera_sdk.deploy import ACCESS, TABLES, render_template
from thera_sdk.deploy._functions import DEFAULT_RESERVED_CONCURRENCY
from thera_sdk.deploy._machines import substitutions
from workflows.functions import FUNCTIONS, FunctionSpec


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return render_template(example_workflows())


def _of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == kind}


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]]


@pytest.mark.parametrize("spec", FUNCTIONS, ids=lambda s: s.key)
def test_each_function_is_sized_traced_and_has_its_own_role_queue_and_logs(
    template: dict[str, Any], spec: FunctionSpec
) -> None:
    resources = template["Resources"]
    props = resources[f"{spec.key}Function"]["Properties"]
    assert props["Handler"] == spec.handler
    assert (props["MemorySize"], props["Timeout"]) == (spec.memory_mb, spec.timeout_s)
    expected = spec.reserved_concurrency or DEFAULT_RESERVED_CONCURRENCY
    assert props["ReservedConcurrentExecutions"] == expected
    assert props["Role"] == {"Fn::GetAtt": [f"{spec.key}Role", "Arn"]}
    assert props["DeadLetterConfig"] == {
        "TargetArn": {"Fn::GetAtt": [f"{spec.key}DeadLetterQueue", "Arn"]}
    }
    assert props["TracingConfig"] == {"Mode": "Active"}
    assert props["KmsKeyArn"] == {"Fn::GetAtt": ["DataKey", "Arn"]}
    assert resources[f"{spec.key}DeadLetterQueue"]["Properties"]["KmsMasterKeyId"] == {
        "Ref": "DataKey"
    }
    assert resources[f"{spec.key}LogGroup"]["Properties"]["RetentionInDays"] >= 365
    variables = props["Environment"]["Variables"]
    assert variables["THERA_BACKEND"] == "aws"
    assert {"THERA_BUCKET_DATA", "THERA_BUCKET_GOLD", "THERA_ATHENA_WORKGROUP"} <= set(variables)
    assert {t.env_var for t in TABLES} <= set(variables)


# Statements whose services have no resource-level permissions.
_STAR_ALLOWED = {"Tracing", "DeliverLogs"}


def test_no_role_grants_a_wildcard_action_or_an_unknown_resource(template: dict[str, Any]) -> None:
    for logical_id, role in _of_type(template, "AWS::IAM::Role").items():
        for statement in _statements(role):
            assert all(not a.endswith(":*") and a != "*" for a in statement["Action"]), logical_id
            if "*" in statement["Resource"]:
                assert statement["Sid"] in _STAR_ALLOWED, (logical_id, statement)


def test_function_roles_follow_the_access_table(template: dict[str, Any]) -> None:
    publisher = _statements(template["Resources"]["PublisherRole"])
    tables = next(s for s in publisher if s["Sid"] == "ReadWriteItems")["Resource"]
    assert tables == [
        {"Fn::GetAtt": ["StartupsPublicTable", "Arn"]},
        {"Fn::GetAtt": ["StartupsPrivateTable", "Arn"]},
    ]
    reads = next(s for s in publisher if s["Sid"] == "ReadObjects")["Resource"]
    assert reads == [{"Fn::Sub": "${DataBucket.Arn}/private/silver/companies/*"}]
    listing = next(s for s in publisher if s["Sid"] == "ListDataPrefixes")
    assert listing["Condition"] == {"StringLike": {"s3:prefix": ["private/silver/companies/*"]}}
    # only the functions that need a secret may read one, and only their own
    for spec in FUNCTIONS:
        text = json.dumps(_statements(template["Resources"][f"{spec.key}Role"]))
        for name in ("apollo", "firecrawl"):
            assert (f"thera/${{Env}}/{name}-" in text) == (name in ACCESS[spec.key].secrets)


def test_state_machine_deploys_the_compiled_definition_with_substitutions(
    template: dict[str, Any],
) -> None:
    [workflow, _] = example_workflows()
    props = template["Resources"]["ExampleStateMachine"]["Properties"]
    assert props["Definition"] == workflow.compile()
    assert props["DefinitionSubstitutions"] == {
        f"{key}Arn": {"Fn::GetAtt": [f"{key}Function", "Arn"]}
        for key in ("Ams", "DomainHealth", "PrepareRun", "Publisher")
    }
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["LoggingConfiguration"]["Level"] == "ALL"


def test_state_machine_role_comes_from_the_compiled_graph(template: dict[str, Any]) -> None:
    statements = _statements(template["Resources"]["ExampleStateMachineRole"])
    invoke = next(s for s in statements if s["Action"] == ["lambda:InvokeFunction"])
    assert {"Fn::Sub": "${PublisherFunction.Arn}"} in invoke["Resource"]
    assert {"Fn::Sub": "${PublisherFunction.Arn}:*"} in invoke["Resource"]
    assert len(invoke["Resource"]) == 8  # four functions, each with its versions
    start = next(s for s in statements if s["Action"] == ["states:StartExecution"])
    [resource] = start["Resource"]
    assert resource["Fn::Sub"][1] == {"StateMachineName": {"Fn::Sub": "${AWS::StackName}-example"}}
    read = next(s for s in statements if s["Action"] == ["s3:GetObject"])
    # bucket and key chosen at run time: the plan stage's manifests
    assert read["Resource"] == [{"Fn::Sub": "${DataBucket.Arn}/runs/*"}]


def test_schedules_start_only_their_machines(template: dict[str, Any]) -> None:
    schedules = _of_type(template, "AWS::Scheduler::Schedule")
    assert list(schedules) == ["ExampleSchedule"]  # the on-demand workflow has none
    props = schedules["ExampleSchedule"]["Properties"]
    assert props["ScheduleExpression"] == "cron(0 6 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "UTC"
    target = props["Target"]
    assert target["Arn"] == {"Ref": "ExampleStateMachine"}
    assert target["RetryPolicy"]["MaximumRetryAttempts"] > 0
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": ["ScheduleDeadLetterQueue", "Arn"]}}
    statements = _statements(template["Resources"]["SchedulerRole"])
    start = next(s for s in statements if s["Sid"] == "StartWorkflows")
    assert start == {
        "Sid": "StartWorkflows", "Effect": "Allow", "Action": ["states:StartExecution"],
        "Resource": [{"Ref": "ExampleStateMachine"}],
    }  # fmt: skip
    assert {a for s in statements for a in s["Action"]} == {
        "states:StartExecution", "sqs:SendMessage", "kms:Decrypt", "kms:GenerateDataKey",
    }  # fmt: skip


def test_tables_are_on_demand_encrypted_with_ttl_and_recovery(template: dict[str, Any]) -> None:
    tables = _of_type(template, "AWS::DynamoDB::Table")
    assert len(tables) == len(TABLES)
    private = tables["StartupsPrivateTable"]
    assert private["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }
    assert private["DeletionPolicy"] == "Retain"
    for table in tables.values():
        props = table["Properties"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["SSESpecification"]["SSEType"] == "KMS"
        assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_glue_tables_project_the_date_partition(template: dict[str, Any]) -> None:
    table = template["Resources"]["SilverCompaniesGlueTable"]["Properties"]["TableInput"]
    assert table["PartitionKeys"] == [{"Name": "date", "Type": "string"}]
    assert table["Parameters"]["projection.date.type"] == "date"
    assert table["Parameters"]["storage.location.template"] == {
        "Fn::Sub": "s3://${DataBucket}/silver/companies/date=${!date}/"
    }


def test_alarms_cover_errors_throttles_duration_and_failed_runs(template: dict[str, Any]) -> None:
    metrics = {
        (r["Properties"]["Namespace"], r["Properties"]["MetricName"])
        for r in _of_type(template, "AWS::CloudWatch::Alarm").values()
    }
    assert {
        ("AWS/Lambda", "Errors"), ("AWS/Lambda", "Throttles"), ("AWS/Lambda", "Duration"),
        ("AWS/States", "ExecutionsFailed"), ("AWS/States", "ExecutionsTimedOut"),
    } <= metrics  # fmt: skip
    duration = template["Resources"]["MatcherDurationAlarm"]["Properties"]
    assert duration["Threshold"] == 30 * 1000 * 0.8


def test_an_unknown_placeholder_is_refused() -> None:
    with pytest.raises(ValueError, match=r"placeholders \['Nope'\]"):
        substitutions({"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "${Nope}"}}})


def test_a_function_without_an_access_entry_is_refused() -> None:
    stray = FunctionSpec("Stray", "stray", "tasks.stray.handler.handler", "Not in ACCESS.")
    with pytest.raises(KeyError, match=r"Stray.*add one"):
        render_template(example_workflows(), functions=[*FUNCTIONS, stray])
