"""Alarms on every function, queue and workflow, and one dashboard for the whole pipeline.

Every alarm notifies the stack's SNS topic (``AlarmTopic`` in ``cloudformation/base.json``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from thera_sdk.deploy._cfn import ref, stack_name, sub
from thera_sdk.deploy._functions import function_ids
from thera_sdk.deploy._machines import SCHEDULE_QUEUE, machine_ids
from thera_sdk.deploy._names import METRICS_NAMESPACE
from thera_sdk.deploy._workflows import Workflow
from workflows.functions import FunctionSpec

__all__ = ["DURATION_ALARM_FRACTION", "alarm_resources", "dashboard_resource"]

DURATION_ALARM_FRACTION = 0.8  # a function that takes 80% of its timeout is about to time out
_PERIOD = 300


def _alarm(
    name: Any,
    description: str,
    namespace: str,
    metric: str,
    dimensions: list[dict[str, Any]],
    *,
    statistic: str = "Sum",
    threshold: float = 0,
) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmName": name,
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": dimensions,
            "Statistic": statistic,
            "Period": _PERIOD,
            "EvaluationPeriods": 1,
            "Threshold": threshold,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [ref("AlarmTopic")],
            "OKActions": [ref("AlarmTopic")],
        },
    }


def _function_alarms(spec: FunctionSpec) -> dict[str, Any]:
    ids = function_ids(spec)
    function = [{"Name": "FunctionName", "Value": ref(ids["function"])}]
    queue = [{"Name": "QueueName", "Value": {"Fn::GetAtt": [ids["queue"], "QueueName"]}}]
    limit_ms = spec.timeout_s * 1000 * DURATION_ALARM_FRACTION
    return {
        f"{spec.key}ErrorsAlarm": _alarm(
            stack_name(f"{spec.name}-errors"),
            f"The {spec.name} function raised errors; read its log group.",
            "AWS/Lambda", "Errors", function,
        ),
        f"{spec.key}ThrottlesAlarm": _alarm(
            stack_name(f"{spec.name}-throttles"),
            f"The {spec.name} function was throttled; raise its reserved concurrency or lower "
            "the Map's MaxConcurrency.",
            "AWS/Lambda", "Throttles", function,
        ),
        f"{spec.key}DurationAlarm": _alarm(
            stack_name(f"{spec.name}-duration"),
            f"The {spec.name} function ran for over {DURATION_ALARM_FRACTION:.0%} of its "
            f"{spec.timeout_s} s timeout; give it smaller batches or more time.",
            "AWS/Lambda", "Duration", function, statistic="Maximum", threshold=limit_ms,
        ),
        f"{spec.key}DeadLettersAlarm": _alarm(
            stack_name(f"{spec.name}-dead-letters"),
            f"Asynchronous calls of {spec.name} failed and wait in its dead-letter queue.",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, statistic="Maximum",
        ),
    }  # fmt: skip


def _machine_alarms(workflow: Workflow) -> dict[str, Any]:
    ids = machine_ids(workflow)
    machine = [{"Name": "StateMachineArn", "Value": ref(ids["machine"])}]
    base = ids["machine"]
    return {
        f"{base}FailedAlarm": _alarm(
            stack_name(f"{workflow.name}-failed"),
            f"A {workflow.name} run failed; its execution history names the state and the error.",
            "AWS/States", "ExecutionsFailed", machine,
        ),
        f"{base}TimedOutAlarm": _alarm(
            stack_name(f"{workflow.name}-timed-out"),
            f"A {workflow.name} run timed out.",
            "AWS/States", "ExecutionsTimedOut", machine,
        ),
        f"{base}AbortedAlarm": _alarm(
            stack_name(f"{workflow.name}-aborted"),
            f"A {workflow.name} run was stopped.",
            "AWS/States", "ExecutionsAborted", machine,
        ),
    }  # fmt: skip


def alarm_resources(specs: Sequence[FunctionSpec], workflows: Sequence[Workflow]) -> dict[str, Any]:
    """Alarms: errors, throttles, duration and dead letters per function; failed, timed-out and
    aborted runs per workflow; failed schedule deliveries."""
    resources: dict[str, Any] = {}
    for spec in specs:
        resources.update(_function_alarms(spec))
    for workflow in workflows:
        resources.update(_machine_alarms(workflow))
    if any(w.schedule for w in workflows):
        queue = [{"Name": "QueueName", "Value": {"Fn::GetAtt": [SCHEDULE_QUEUE, "QueueName"]}}]
        resources["ScheduleDeadLettersAlarm"] = _alarm(
            stack_name("schedules-dead-letters"),
            "A schedule could not start its workflow; the dead-letter event says why.",
            "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, statistic="Maximum",
        )  # fmt: skip
    return resources


def _widget(title: str, metrics: list[list[Any]], x: int, y: int, stat: str) -> dict[str, Any]:
    return {
        "type": "metric",
        "x": x,
        "y": y,
        "width": 12,
        "height": 6,
        "properties": {
            "title": title,
            "metrics": metrics,
            "stat": stat,
            "period": _PERIOD,
            "region": "${AWS::Region}",
            "view": "timeSeries",
        },
    }


def dashboard_resource(
    specs: Sequence[FunctionSpec], workflows: Sequence[Workflow]
) -> dict[str, Any]:
    """One dashboard: runs per workflow, and errors, throttles and duration per function."""
    names = {spec.key: f"${{AWS::StackName}}-{spec.name}" for spec in specs}
    runs = []
    for workflow in workflows:
        arn = f"${{{machine_ids(workflow)['machine']}}}"
        for metric in ("ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"):
            runs.append(["AWS/States", metric, "StateMachineArn", arn])
    widgets = [_widget("Workflow runs", runs, 0, 0, "Sum")]
    for index, (metric, stat) in enumerate(
        (("Errors", "Sum"), ("Throttles", "Sum"), ("Duration", "p90"))
    ):
        rows = [["AWS/Lambda", metric, "FunctionName", name] for name in names.values()]
        widgets.append(_widget(f"Lambda {metric.lower()}", rows, 12 * ((index + 1) % 2),
                               6 * ((index + 1) // 2), stat))  # fmt: skip
    pipeline = [
        [METRICS_NAMESPACE, "MatchesShown", "Environment", "${Env}", "Task", "ams"],
        [METRICS_NAMESPACE, "AverageMatchScore", "Environment", "${Env}", "Task", "ams"],
    ]
    widgets.append(_widget("Match metrics", pipeline, 0, 12, "Average"))
    body = json.dumps({"widgets": widgets}, sort_keys=True)
    return {
        "Type": "AWS::CloudWatch::Dashboard",
        "Properties": {"DashboardName": stack_name("pipeline"), "DashboardBody": sub(body)},
    }
