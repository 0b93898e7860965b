"""IAM policy documents for the task functions, built from :data:`ACCESS`.

Every statement names its resources: bucket ARNs with key patterns, table ARNs, the parameter
path and secret names of the environment, the workgroup and the Glue database. The only ``*``
resources are X-Ray's, which has no resource-level permissions.
"""

from __future__ import annotations

from typing import Any

from thera_sdk.deploy._cfn import ARN, get_att, sub
from thera_sdk.deploy._grants import Access, ObjectGrant
from thera_sdk.deploy._names import (
    BEDROCK_EMBEDDING_MODEL,
    bucket_logical_id,
    table_logical_id,
)

__all__ = ["KEY_ID", "function_policy", "kms_statement", "statement"]

KEY_ID = "DataKey"  # the stack's customer-managed KMS key (cloudformation/base.json)
_READ = ["s3:GetObject"]
_WRITE = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
_TABLE_WRITE = [
    "dynamodb:BatchGetItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:DeleteItem",
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
]
_ATHENA = [
    "athena:GetQueryExecution",
    "athena:GetQueryResults",
    "athena:StartQueryExecution",
    "athena:StopQueryExecution",
]
_GLUE = [
    "glue:CreateTable",  # register_parquet issues CREATE EXTERNAL TABLE IF NOT EXISTS
    "glue:GetDatabase",
    "glue:GetPartition",
    "glue:GetPartitions",
    "glue:GetTable",
    "glue:GetTables",
]


def statement(sid: str, actions: list[str], resources: list[Any], **extra: Any) -> dict[str, Any]:
    """One ``Allow`` statement."""
    return {"Sid": sid, "Effect": "Allow", "Action": actions, "Resource": resources, **extra}


def kms_statement() -> dict[str, Any]:
    """Use of the stack's key: S3 objects, DynamoDB items, queue messages, env variables."""
    return statement("UseDataKey", ["kms:Decrypt", "kms:GenerateDataKey"], [get_att(KEY_ID, "Arn")])


def _object_arn(grant: ObjectGrant) -> dict[str, Any]:
    return sub(f"${{{bucket_logical_id(grant.bucket)}.Arn}}/{grant.pattern}")


def _object_statements(access: Access) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    if access.reads:
        statements.append(statement("ReadObjects", _READ, [_object_arn(g) for g in access.reads]))
    if access.writes:
        statements.append(
            statement("WriteObjects", _WRITE, [_object_arn(g) for g in access.writes])
        )
    by_bucket: dict[str, list[str]] = {}
    for grant in (*access.reads, *access.writes):
        by_bucket.setdefault(grant.bucket, []).append(grant.pattern)
    for bucket, patterns in by_bucket.items():
        statements.append(
            statement(
                f"List{bucket.capitalize()}Prefixes",
                ["s3:ListBucket"],
                [get_att(bucket_logical_id(bucket), "Arn")],
                Condition={"StringLike": {"s3:prefix": patterns}},
            )
        )
    return statements


def _table_statements(access: Access) -> list[dict[str, Any]]:
    statements = []
    if access.tables:
        arns = [get_att(table_logical_id(t), "Arn") for t in access.tables]
        statements.append(statement("ReadWriteItems", _TABLE_WRITE, arns))
    return statements


def _named_statements(access: Access) -> list[dict[str, Any]]:
    statements = []
    if access.parameters:
        arns = [
            sub(f"{ARN}:ssm:${{AWS::Region}}:${{AWS::AccountId}}:parameter/thera/${{Env}}/{p}")
            for p in access.parameters
        ]
        actions = ["ssm:DeleteParameter", "ssm:GetParameter", "ssm:PutParameter"]
        statements.append(statement("Parameters", actions, arns))
    if access.secrets:
        # Secrets Manager appends "-" and six random characters to every secret's ARN.
        arns = [
            sub(
                f"{ARN}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:"
                f"secret:thera/${{Env}}/{name}-??????"
            )
            for name in access.secrets
        ]
        actions = ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"]
        statements.append(statement("ReadSecrets", actions, arns))
    if access.bedrock:
        model = sub(f"{ARN}:bedrock:${{AWS::Region}}::foundation-model/{BEDROCK_EMBEDDING_MODEL}")
        statements.append(statement("EmbedText", ["bedrock:InvokeModel"], [model]))
    return statements


def _athena_statements(access: Access) -> list[dict[str, Any]]:
    if not access.athena:
        return []
    catalog = f"{ARN}:glue:${{AWS::Region}}:${{AWS::AccountId}}"
    return [
        statement(
            "RunQueries",
            _ATHENA,
            [
                sub(
                    f"{ARN}:athena:${{AWS::Region}}:${{AWS::AccountId}}:workgroup/${{AthenaWorkGroup}}"
                )
            ],
        ),
        statement(
            "ReadCatalog",
            _GLUE,
            [
                sub(f"{catalog}:catalog"),
                sub(f"{catalog}:database/${{GlueDatabase}}"),
                sub(f"{catalog}:table/${{GlueDatabase}}/*"),
            ],
        ),
        statement("QueryResults", _WRITE, [sub("${DataBucket.Arn}/athena/*")]),
        statement(
            "QueryResultsBucket",
            ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"],
            [get_att("DataBucket", "Arn")],
        ),
    ]


def function_policy(access: Access, *, log_group: str, dead_letter_queue: str) -> dict[str, Any]:
    """The policy document of one function's role (logical ids of its log group and DLQ)."""
    statements = [
        statement(
            "WriteLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [get_att(log_group, "Arn")],
        ),
        statement(
            "Tracing",  # X-Ray has no resource-level permissions
            ["xray:PutTelemetryRecords", "xray:PutTraceSegments"],
            ["*"],
        ),
        statement("DeadLetters", ["sqs:SendMessage"], [get_att(dead_letter_queue, "Arn")]),
        kms_statement(),
        *_object_statements(access),
        *_table_statements(access),
        *_named_statements(access),
        *_athena_statements(access),
    ]
    return {"Version": "2012-10-17", "Statement": statements}
