"""The task functions: one Lambda, role, dead-letter queue and log group per ``FunctionSpec``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thera_sdk.deploy._cfn import get_att, ref, stack_name, sub
from thera_sdk.deploy._grants import ACCESS
from thera_sdk.deploy._names import (
    BUCKETS,
    LAMBDA_ARCHITECTURE,
    LAMBDA_RUNTIME,
    LOG_RETENTION_DAYS,
    METRICS_NAMESPACE,
    TABLES,
    bucket_logical_id,
)
from thera_sdk.deploy._policies import KEY_ID, function_policy
from workflows.functions import FunctionSpec

__all__ = [
    "DEFAULT_RESERVED_CONCURRENCY",
    "environment",
    "function_ids",
    "function_resources",
    "reserved_concurrency",
]

# Functions the specs leave unreserved get a small reservation: it caps what a runaway loop can
# spend and keeps the account's shared pool for the rest. Raise it per function in FUNCTIONS.
DEFAULT_RESERVED_CONCURRENCY = 5
_VPC_SKIP = {
    "id": "CKV_AWS_117",
    "comment": "The tasks call public APIs (Apollo, Firecrawl, Bedrock) and scrape public sites;"
    " a VPC would only add a NAT gateway. Data access is limited by IAM, not by network.",
}


def function_ids(spec: FunctionSpec) -> dict[str, str]:
    """Logical ids of a function's resources."""
    return {
        "function": f"{spec.key}Function",
        "role": f"{spec.key}Role",
        "queue": f"{spec.key}DeadLetterQueue",
        "logs": f"{spec.key}LogGroup",
    }


def reserved_concurrency(spec: FunctionSpec) -> int:
    """The spec's reserved concurrency, else :data:`DEFAULT_RESERVED_CONCURRENCY`."""
    if spec.reserved_concurrency is not None:
        return spec.reserved_concurrency
    return DEFAULT_RESERVED_CONCURRENCY


def environment() -> dict[str, Any]:
    """The variables :class:`thera_sdk.Settings` reads, set to this stack's resources."""
    variables: dict[str, Any] = {
        "THERA_BACKEND": "aws",
        "THERA_ENV": ref("Env"),
        "THERA_STACK": ref("AWS::StackName"),
        "THERA_ATHENA_DATABASE": ref("GlueDatabase"),
        "THERA_ATHENA_WORKGROUP": ref("AthenaWorkGroup"),
        "THERA_ATHENA_OUTPUT": sub("s3://${DataBucket}/athena/"),
        "THERA_METRICS_NAMESPACE": METRICS_NAMESPACE,
    }
    for bucket in BUCKETS:
        variables[f"THERA_BUCKET_{bucket.logical.upper()}"] = ref(bucket_logical_id(bucket.logical))
    for table in TABLES:
        variables[table.env_var] = stack_name(table.logical)
    return variables


def _assume_role(service: str) -> dict[str, Any]:
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


def _function(spec: FunctionSpec, ids: dict[str, str]) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Metadata": {"checkov": {"skip": [_VPC_SKIP]}},
        "Properties": {
            "FunctionName": stack_name(spec.name),
            "Description": spec.description,
            "Runtime": LAMBDA_RUNTIME,
            "Architectures": [LAMBDA_ARCHITECTURE],
            "Handler": spec.handler,
            "Code": {"S3Bucket": ref("CodeBucket"), "S3Key": ref("CodeKey")},
            "Layers": {
                "Fn::If": [
                    "HasDependenciesLayer",
                    [ref("DependenciesLayerArn")],
                    ref("AWS::NoValue"),
                ]
            },
            "MemorySize": spec.memory_mb,
            "Timeout": spec.timeout_s,
            "ReservedConcurrentExecutions": reserved_concurrency(spec),
            "Role": get_att(ids["role"], "Arn"),
            "Environment": {"Variables": environment()},
            "KmsKeyArn": get_att(KEY_ID, "Arn"),
            "DeadLetterConfig": {"TargetArn": get_att(ids["queue"], "Arn")},
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": {"LogGroup": ref(ids["logs"]), "LogFormat": "Text"},
            "Tags": [{"Key": "thera:function", "Value": spec.key}],
        },
    }


def _role(spec: FunctionSpec, ids: dict[str, str]) -> dict[str, Any]:
    access = ACCESS.get(spec.key)
    if access is None:
        raise KeyError(
            f"Function {spec.key!r} has no entry in thera_sdk/deploy/_grants.py ACCESS; add one "
            "listing the buckets, tables, parameters and secrets it needs."
        )
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Description": f"Runs the {spec.name} function of this stack, and nothing else.",
            "AssumeRolePolicyDocument": _assume_role("lambda.amazonaws.com"),
            "Policies": [
                {
                    "PolicyName": "task",
                    "PolicyDocument": function_policy(
                        access, log_group=ids["logs"], dead_letter_queue=ids["queue"]
                    ),
                }
            ],
        },
    }


def _queue(spec: FunctionSpec) -> dict[str, Any]:
    return {
        "Type": "AWS::SQS::Queue",
        "Properties": {
            "QueueName": stack_name(f"{spec.name}-dlq"),
            "KmsMasterKeyId": ref(KEY_ID),
            "MessageRetentionPeriod": 1_209_600,  # 14 days, the maximum: time to look and redrive
        },
    }


def _log_group(spec: FunctionSpec) -> dict[str, Any]:
    return {
        "Type": "AWS::Logs::LogGroup",
        "Properties": {
            "LogGroupName": sub(f"/aws/lambda/${{AWS::StackName}}-{spec.name}"),
            "RetentionInDays": LOG_RETENTION_DAYS,
            "KmsKeyId": get_att(KEY_ID, "Arn"),
        },
    }


def function_resources(specs: Sequence[FunctionSpec]) -> dict[str, Any]:
    """Every function's Lambda, role, DLQ and log group, by logical id."""
    resources: dict[str, Any] = {}
    for spec in specs:
        ids = function_ids(spec)
        resources[ids["function"]] = _function(spec, ids)
        resources[ids["role"]] = _role(spec, ids)
        resources[ids["queue"]] = _queue(spec)
        resources[ids["logs"]] = _log_group(spec)
    return resources
