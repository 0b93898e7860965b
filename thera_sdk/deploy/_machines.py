"""State machines, their roles and log groups, and the schedules that start them.

Each definition is the compiled ASL, deployed as it is: function ARNs go in through
``DefinitionSubstitutions`` (``${<Key>Arn}`` placeholders, see ``workflows/functions.py``), and the
role is derived from the compiled graph (``StateMachine.iam_statements()``), narrowed to this
stack's resources.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from thera_sdk.deploy._cfn import get_att, logical_id, ref, stack_name, sub
from thera_sdk.deploy._names import (
    BUCKETS,
    LOG_RETENTION_DAYS,
    MANIFEST_PREFIX,
    bucket_logical_id,
)
from thera_sdk.deploy._policies import KEY_ID, kms_statement, statement
from thera_sdk.deploy._workflows import Workflow
from workflows.functions import BY_KEY

__all__ = [
    "SCHEDULER_ROLE",
    "SCHEDULE_QUEUE",
    "machine_ids",
    "machine_resources",
    "substitutions",
]

SCHEDULER_ROLE = "SchedulerRole"
SCHEDULE_QUEUE = "ScheduleDeadLetterQueue"
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9]+)\}")
_FUNCTION_ARN = re.compile(r"^arn:\$\{AWS::Partition\}:lambda:.*:function:\$\{(\w+)Arn\}")
_ANY_BUCKET = "arn:${AWS::Partition}:s3:::*"


def machine_ids(workflow: Workflow) -> dict[str, str]:
    """Logical ids of a workflow's resources."""
    base = logical_id(workflow.name)
    return {
        "machine": f"{base}StateMachine",
        "role": f"{base}StateMachineRole",
        "logs": f"{base}StateMachineLogGroup",
        "schedule": f"{base}Schedule",
    }


def substitutions(definition: dict[str, Any]) -> dict[str, Any]:
    """``DefinitionSubstitutions`` for every ``${Name}`` placeholder in the definition.

    ``<Key>Arn`` is the ARN of function ``<Key>``; ``<Name>Bucket`` the name of a bucket.
    """
    values: dict[str, Any] = {}
    unknown: list[str] = []
    buckets = {bucket_logical_id(b.logical) for b in BUCKETS}
    for name in sorted(set(_PLACEHOLDER.findall(json.dumps(definition)))):
        if name.endswith("Arn") and name[:-3] in BY_KEY:
            values[name] = get_att(f"{name[:-3]}Function", "Arn")
        elif name in buckets:
            values[name] = ref(name)
        else:
            unknown.append(name)
    if unknown:
        raise ValueError(
            f"The definition uses placeholders {unknown} that the stack cannot fill; use a "
            "function's placeholder (FunctionSpec.placeholder) or a bucket (${DataBucket})."
        )
    return values


def _resource(text: str) -> dict[str, Any]:
    """A compiled-graph resource as this stack's ARN (``Fn::Sub``)."""
    match = _FUNCTION_ARN.match(text)
    if match:  # the placeholder is the whole ARN: point at the function itself
        return sub(f"${{{match.group(1)}Function.Arn}}" + text[match.end() :])
    if text == f"{_ANY_BUCKET}/*":  # an object chosen at run time: a stage's item manifest
        return sub(f"${{DataBucket.Arn}}/{MANIFEST_PREFIX}*")
    if text.startswith(_ANY_BUCKET):  # a bucket chosen at run time: the stages use the lake
        return sub("${DataBucket.Arn}" + text[len(_ANY_BUCKET) :])
    return sub(text)


def _machine_policy(workflow: Workflow, machine_name: dict[str, Any]) -> dict[str, Any]:
    statements: list[dict[str, Any]] = []
    for number, needed in enumerate(workflow.machine.iam_statements(), start=1):
        resources = [_resource(r) for r in needed.resources]
        for resource in resources:
            text = resource["Fn::Sub"]
            if "${StateMachineName}" in text:
                resource["Fn::Sub"] = [text, {"StateMachineName": machine_name}]
        statements.append(statement(f"Graph{number}", sorted(needed.actions), resources))
    statements += [
        kms_statement(),
        statement(
            "DeliverLogs",  # CloudWatch Logs vended-log delivery has no resource-level permissions
            [
                "logs:CreateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:DescribeLogGroups",
                "logs:DescribeResourcePolicies",
                "logs:GetLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:UpdateLogDelivery",
            ],
            ["*"],
        ),
        statement(
            "Tracing",  # X-Ray has no resource-level permissions
            [
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:PutTelemetryRecords",
                "xray:PutTraceSegments",
            ],
            ["*"],
        ),
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def _assume(service: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}},
            }
        ],
    }


def _machine(workflow: Workflow, ids: dict[str, str]) -> dict[str, Any]:
    definition = workflow.compile()
    properties: dict[str, Any] = {
        "StateMachineName": stack_name(workflow.name),
        "StateMachineType": "STANDARD",
        "Definition": definition,
        "RoleArn": get_att(ids["role"], "Arn"),
        "LoggingConfiguration": {
            "Level": "ALL",
            "IncludeExecutionData": False,  # payloads stay out of the logs; history has them
            "Destinations": [
                {"CloudWatchLogsLogGroup": {"LogGroupArn": get_att(ids["logs"], "Arn")}}
            ],
        },
        "TracingConfiguration": {"Enabled": True},
        "Tags": [{"Key": "thera:workflow", "Value": workflow.name}],
    }
    values = substitutions(definition)
    if values:
        properties["DefinitionSubstitutions"] = values
    return {"Type": "AWS::StepFunctions::StateMachine", "Properties": properties}


def _schedule(workflow: Workflow, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "Name": stack_name(workflow.name),
            "Description": f"Starts the {workflow.name} workflow.",
            "ScheduleExpression": workflow.schedule,
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "State": "ENABLED",
            "Target": {
                "Arn": ref(ids["machine"]),
                "RoleArn": get_att(SCHEDULER_ROLE, "Arn"),
                "Input": json.dumps(dict(workflow.schedule_input), sort_keys=True),
                "RetryPolicy": {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 5},
                "DeadLetterConfig": {"Arn": get_att(SCHEDULE_QUEUE, "Arn")},
            },
        },
    }


def _scheduler_resources(scheduled: Sequence[tuple[Workflow, dict[str, str]]]) -> dict[str, Any]:
    machines = [ref(ids["machine"]) for _, ids in scheduled]
    return {
        SCHEDULE_QUEUE: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": stack_name("schedules-dlq"),
                "KmsMasterKeyId": ref(KEY_ID),
                "MessageRetentionPeriod": 1_209_600,
            },
        },
        SCHEDULER_ROLE: {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": "Lets EventBridge Scheduler start this stack's workflows only.",
                "AssumeRolePolicyDocument": _assume("scheduler.amazonaws.com"),
                "Policies": [
                    {
                        "PolicyName": "start-workflows",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                statement("StartWorkflows", ["states:StartExecution"], machines),
                                statement(
                                    "DeadLetters",  # failed starts go to the schedules' DLQ
                                    ["sqs:SendMessage"],
                                    [get_att(SCHEDULE_QUEUE, "Arn")],
                                ),
                                kms_statement(),  # the DLQ is encrypted with the stack key
                            ],
                        },
                    }
                ],
            },
        },
    }


def machine_resources(workflows: Sequence[Workflow]) -> dict[str, Any]:
    """Every workflow's state machine, role and log group; schedules for the scheduled ones."""
    resources: dict[str, Any] = {}
    scheduled: list[tuple[Workflow, dict[str, str]]] = []
    for workflow in workflows:
        ids = machine_ids(workflow)
        resources[ids["machine"]] = _machine(workflow, ids)
        resources[ids["role"]] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "Description": f"Runs the {workflow.name} workflow of this stack.",
                "AssumeRolePolicyDocument": _assume("states.amazonaws.com"),
                "Policies": [
                    {
                        "PolicyName": "workflow",
                        "PolicyDocument": _machine_policy(workflow, stack_name(workflow.name)),
                    }
                ],
            },
        }
        resources[ids["logs"]] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": sub(f"/aws/vendedlogs/states/${{AWS::StackName}}-{workflow.name}"),
                "RetentionInDays": LOG_RETENTION_DAYS,
                "KmsKeyId": get_att(KEY_ID, "Arn"),
            },
        }
        if workflow.schedule:
            resources[ids["schedule"]] = _schedule(workflow, ids)
            scheduled.append((workflow, ids))
    if scheduled:
        resources.update(_scheduler_resources(scheduled))
    return resources
