"""Syntax tree of DynamoDB expressions (condition, filter, key condition and update)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "AddAction",
    "And",
    "Between",
    "Compare",
    "Condition",
    "DeleteAction",
    "Function",
    "IfNotExists",
    "In",
    "ListAppend",
    "Literal",
    "Not",
    "Operand",
    "Or",
    "Path",
    "RemoveAction",
    "SetAction",
    "Size",
    "Sum",
    "Update",
]


@dataclass(frozen=True)
class Path:
    """A document path: attribute names (``str``, placeholders resolved) and list indexes."""

    elements: tuple[str | int, ...]

    def __str__(self) -> str:
        text = ""
        for element in self.elements:
            text += f"[{element}]" if isinstance(element, int) else f".{element}"
        return text.lstrip(".")


@dataclass(frozen=True)
class Literal:
    """A value from ``ExpressionAttributeValues`` (already normalized); ``name`` is ``:name``."""

    name: str
    value: Any


@dataclass(frozen=True)
class Size:
    """``size(path)``."""

    path: Path


@dataclass(frozen=True)
class IfNotExists:
    """``if_not_exists(path, operand)`` (only on the right of ``SET``)."""

    path: Path
    default: Operand


@dataclass(frozen=True)
class ListAppend:
    """``list_append(a, b)`` (only on the right of ``SET``)."""

    first: Operand
    second: Operand


@dataclass(frozen=True)
class Sum:
    """``a + b`` or ``a - b`` (only on the right of ``SET``)."""

    left: Operand
    op: str
    right: Operand


Operand = Path | Literal | Size | IfNotExists | ListAppend | Sum


@dataclass(frozen=True)
class Compare:
    """``left op right`` with ``op`` in ``= <> < <= > >=``."""

    op: str
    left: Operand
    right: Operand


@dataclass(frozen=True)
class Between:
    """``operand BETWEEN low AND high``."""

    operand: Operand
    low: Operand
    high: Operand


@dataclass(frozen=True)
class In:
    """``operand IN (a, b, ...)``."""

    operand: Operand
    options: tuple[Operand, ...]


@dataclass(frozen=True)
class Function:
    """A boolean function: attribute_exists, attribute_not_exists, attribute_type, begins_with,
    contains."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True)
class And:
    """``left AND right``."""

    left: Condition
    right: Condition


@dataclass(frozen=True)
class Or:
    """``left OR right``."""

    left: Condition
    right: Condition


@dataclass(frozen=True)
class Not:
    """``NOT operand``."""

    operand: Condition


Condition = Compare | Between | In | Function | And | Or | Not


@dataclass(frozen=True)
class SetAction:
    """``SET path = value``."""

    path: Path
    value: Operand


@dataclass(frozen=True)
class RemoveAction:
    """``REMOVE path``."""

    path: Path


@dataclass(frozen=True)
class AddAction:
    """``ADD path :value`` (numbers and sets)."""

    path: Path
    value: Literal


@dataclass(frozen=True)
class DeleteAction:
    """``DELETE path :value`` (sets)."""

    path: Path
    value: Literal


@dataclass(frozen=True)
class Update:
    """A parsed update expression: its actions in the order written."""

    actions: tuple[SetAction | RemoveAction | AddAction | DeleteAction, ...]
