"""Small helpers that build CloudFormation intrinsic functions as plain dicts."""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "ARN",
    "arn",
    "get_att",
    "join",
    "logical_id",
    "ref",
    "stack_name",
    "sub",
]

ARN = "arn:${AWS::Partition}"


def ref(name: str) -> dict[str, str]:
    """``{"Ref": name}``: a parameter's value or a resource's primary id."""
    return {"Ref": name}


def get_att(resource: str, attribute: str) -> dict[str, list[str]]:
    """``{"Fn::GetAtt": [resource, attribute]}``."""
    return {"Fn::GetAtt": [resource, attribute]}


def sub(text: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """``Fn::Sub`` of ``text``, with ``variables`` when given.

    Examples
    --------
    >>> sub("${AWS::StackName}-data")
    {'Fn::Sub': '${AWS::StackName}-data'}
    """
    return {"Fn::Sub": [text, variables] if variables else text}


def join(parts: list[Any], separator: str = "") -> dict[str, Any]:
    """``Fn::Join`` of ``parts``."""
    return {"Fn::Join": [separator, parts]}


def arn(rest: str) -> dict[str, Any]:
    """An ARN in the stack's partition (``Fn::Sub`` of ``arn:${AWS::Partition}:<rest>``)."""
    return sub(f"{ARN}:{rest}")


def stack_name(suffix: str) -> dict[str, Any]:
    """A physical name prefixed with the stack name: ``<stack>-<suffix>``."""
    return sub(f"${{AWS::StackName}}-{suffix}")


def logical_id(*parts: str) -> str:
    """A CloudFormation logical id (letters and digits) from words such as ``weekly-training``.

    Examples
    --------
    >>> logical_id("weekly-training", "StateMachine")
    'WeeklyTrainingStateMachine'
    """
    words: list[str] = []
    for part in parts:
        for word in re.split(r"[^A-Za-z0-9]+", part):
            if word:
                words.append(word[0].upper() + word[1:])
    return "".join(words)
