"""IAM statements a state machine's role needs, derived from its states.

Resources use CloudFormation ``Fn::Sub`` placeholders where the value is only known at
deploy time: ``${AWS::Partition}``, ``${AWS::Region}``, ``${AWS::AccountId}`` and
``${StateMachineName}`` (the machine's own name, needed by a Distributed Map, which starts
child executions of its own state machine). Wrap each resource in ``Fn::Sub`` with a
``StateMachineName`` variable when the role is generated.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LAMBDA_INVOKE_RESOURCE = "arn:aws:states:::lambda:invoke"
# The optimised integration, in any partition, with or without .waitForTaskToken.
_LAMBDA_INVOKE = re.compile(r"arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$")
_LAMBDA_ARN = re.compile(r"arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$")
_PARTITION = "arn:${AWS::Partition}"
_ANY_FUNCTION = f"{_PARTITION}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:*"


@dataclass(frozen=True)
class IamStatement:
    """One ``Allow`` statement: these actions on these resources.

    Examples
    --------
    >>> IamStatement(("s3:GetObject",), ("arn:aws:s3:::raw/*",)).to_dict()
    {'Effect': 'Allow', 'Action': ['s3:GetObject'], 'Resource': ['arn:aws:s3:::raw/*']}
    """

    actions: tuple[str, ...]
    resources: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "actions", tuple(self.actions))
        object.__setattr__(self, "resources", tuple(self.resources))

    def to_dict(self) -> dict[str, Any]:
        """Render the statement as an IAM policy document entry."""
        return {"Effect": "Allow", "Action": list(self.actions), "Resource": list(self.resources)}


def merge_statements(statements: Iterable[IamStatement]) -> list[IamStatement]:
    """Merge statements with the same actions, keeping first-seen order and no duplicates."""
    merged: dict[tuple[str, ...], list[str]] = {}
    for statement in statements:
        resources = merged.setdefault(tuple(sorted(set(statement.actions))), [])
        resources.extend(r for r in statement.resources if r not in resources)
    return [IamStatement(actions, tuple(resources)) for actions, resources in merged.items()]


def lambda_function_resources(function: str | None) -> tuple[str, ...]:
    """Return the ARNs ``lambda:InvokeFunction`` needs for a name, partial or full ARN.

    ``None`` (a name chosen at run time) allows every function in the account and Region.
    The ``:*`` form covers versions and aliases.
    """
    if function is None:
        return (_ANY_FUNCTION,)
    parts = function.split(":")
    if function.startswith("arn:") and len(parts) >= 7:
        base = ":".join(parts[:7])
    elif len(parts) >= 3 and parts[1] == "function":
        base = f"{_PARTITION}:lambda:${{AWS::Region}}:{parts[0]}:function:{parts[2]}"
    else:
        base = f"{_PARTITION}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{parts[0]}"
    return (base, f"{base}:*")


def lambda_statement(function: str | None) -> IamStatement:
    """The statement that lets the role invoke ``function`` (see above)."""
    return IamStatement(("lambda:InvokeFunction",), lambda_function_resources(function))


def _s3_bucket(parameters: Mapping[str, Any]) -> str:
    bucket = parameters.get("Bucket")
    return bucket if isinstance(bucket, str) else "*"


def s3_object_arn(parameters: Mapping[str, Any], key_field: str) -> str:
    """ARN of the object (or prefix) an S3 reader or writer touches; ``*`` when dynamic."""
    key = parameters.get(key_field)
    suffix = key if isinstance(key, str) else ""
    if key_field == "Prefix" or not isinstance(key, str):
        suffix = f"{suffix}*"
    return f"{_PARTITION}:s3:::{_s3_bucket(parameters)}/{suffix}"


def s3_bucket_arn(parameters: Mapping[str, Any]) -> str:
    """ARN of the bucket an S3 reader lists."""
    return f"{_PARTITION}:s3:::{_s3_bucket(parameters)}"


def distributed_map_statements() -> list[IamStatement]:
    """What a Distributed Map needs to run its child executions."""
    machine = f"{_PARTITION}:states:${{AWS::Region}}:${{AWS::AccountId}}"
    return [
        IamStatement(
            ("states:StartExecution",), (f"{machine}:stateMachine:${{StateMachineName}}",)
        ),
        IamStatement(
            ("states:DescribeExecution", "states:StopExecution"),
            (f"{machine}:execution:${{StateMachineName}}/*",),
        ),
    ]


def statements_for_state(state: Mapping[str, Any]) -> list[IamStatement]:
    """Derive the statements one rendered ASL state needs (not its nested states)."""
    statements: list[IamStatement] = []
    kind = state.get("Type")
    if kind == "Task":
        statements.extend(_task_statements(state))
    elif kind == "Map":
        statements.extend(_map_statements(state))
    return statements


def _task_statements(state: Mapping[str, Any]) -> list[IamStatement]:
    resource = state.get("Resource")
    if not isinstance(resource, str):
        return []
    if _LAMBDA_INVOKE.match(resource):
        parameters = state.get("Parameters")
        function = parameters.get("FunctionName") if isinstance(parameters, Mapping) else None
        return [lambda_statement(function if isinstance(function, str) else None)]
    if _LAMBDA_ARN.match(resource):
        return [lambda_statement(resource)]
    return []


def _map_statements(state: Mapping[str, Any]) -> list[IamStatement]:
    statements: list[IamStatement] = []
    processor = state.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, Mapping) else None
    if isinstance(config, Mapping) and config.get("Mode") == "DISTRIBUTED":
        statements.extend(distributed_map_statements())
    reader = state.get("ItemReader")
    if isinstance(reader, Mapping):
        parameters = reader.get("Parameters")
        parameters = parameters if isinstance(parameters, Mapping) else {}
        if str(reader.get("Resource", "")).endswith("s3:listObjectsV2"):
            statements.append(IamStatement(("s3:ListBucket",), (s3_bucket_arn(parameters),)))
        else:
            statements.append(IamStatement(("s3:GetObject",), (s3_object_arn(parameters, "Key"),)))
    writer = state.get("ResultWriter")
    if isinstance(writer, Mapping):
        parameters = writer.get("Parameters")
        parameters = parameters if isinstance(parameters, Mapping) else {}
        statements.append(
            IamStatement(
                (
                    "s3:PutObject",
                    "s3:GetObject",
                    "s3:ListMultipartUploadParts",
                    "s3:AbortMultipartUpload",
                ),
                (s3_object_arn(parameters, "Prefix"),),
            )
        )
    return statements


def definition_statements(definition: Mapping[str, Any]) -> list[IamStatement]:
    """Walk a whole ASL definition (branches and processors too) and merge the needs."""
    found: list[IamStatement] = []
    _collect(definition, found)
    return merge_statements(found)


def _collect(machine: Mapping[str, Any], found: list[IamStatement]) -> None:
    states = machine.get("States")
    if not isinstance(states, Mapping):
        return
    for state in states.values():
        if not isinstance(state, Mapping):
            continue
        found.extend(statements_for_state(state))
        for child in _children(state):
            _collect(child, found)


def _children(state: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    children: list[Mapping[str, Any]] = []
    branches = state.get("Branches")
    if isinstance(branches, list):
        children.extend(b for b in branches if isinstance(b, Mapping))
    for key in ("ItemProcessor", "Iterator"):
        body = state.get(key)
        if isinstance(body, Mapping):
            children.append(body)
    return children
