"""Key-condition expressions: equality on the partition key and one optional sort-key test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from thera_sdk._exceptions import ExpressionError
from thera_sdk.storage._values import key_bytes
from thera_sdk.storage.expressions._ast import (
    And,
    Between,
    Compare,
    Condition,
    Function,
    Literal,
    Path,
)
from thera_sdk.storage.expressions._parser import ExpressionContext, parse_condition

__all__ = ["KeyCondition", "parse_key_condition"]

_WHAT = "KeyConditionExpression"


@dataclass(frozen=True)
class KeyCondition:
    """``partition_value`` to match, and ``sort_op`` (``=``, ``<``, ``<=``, ``>``, ``>=``,
    ``BETWEEN``, ``begins_with`` or ``None``) with its ``sort_values``."""

    partition_value: Any
    sort_op: str | None = None
    sort_values: tuple[Any, ...] = ()


def _conjuncts(node: Condition) -> list[Condition]:
    if isinstance(node, And):
        return _conjuncts(node.left) + _conjuncts(node.right)
    return [node]


def _attribute(node: object) -> str:
    if not isinstance(node, Path) or len(node.elements) != 1:
        raise ExpressionError(f"Invalid {_WHAT}: key conditions name top-level key attributes.")
    name = node.elements[0]
    assert isinstance(name, str)
    return name


def _literal(node: object) -> Any:
    if not isinstance(node, Literal):
        raise ExpressionError(f"Invalid {_WHAT}: compare key attributes with :values only.")
    return node.value


def parse_key_condition(
    text: str, context: ExpressionContext, partition_key: str, sort_key: str | None
) -> KeyCondition:
    """Parse and check a key condition against the key schema of a table or index.

    Examples
    --------
    >>> ctx = ExpressionContext(values={":p": "a", ":s": "2025-"})
    >>> parse_key_condition("pk = :p AND begins_with(sk, :s)", ctx, "pk", "sk")
    KeyCondition(partition_value='a', sort_op='begins_with', sort_values=('2025-',))
    """
    partition: list[Any] = []
    sort: list[tuple[str, tuple[Any, ...]]] = []
    for node in _conjuncts(parse_condition(text, context, _WHAT)):
        if isinstance(node, Compare) and node.op != "<>":
            left, right = node.left, node.right
            if isinstance(left, Literal):  # ":v = pk" is allowed too; mirror the operator
                left, right = right, left
                mirror = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
                op = mirror.get(node.op, node.op)
            else:
                op = node.op
            name, value = _attribute(left), _literal(right)
            if name == partition_key and op == "=":
                partition.append(value)
            elif name == sort_key:
                sort.append((op, (value,)))
            else:
                raise _unknown(name, partition_key, sort_key)
        elif isinstance(node, Between) and _attribute(node.operand) == sort_key:
            sort.append(("BETWEEN", (_literal(node.low), _literal(node.high))))
        elif (
            isinstance(node, Function)
            and node.name == "begins_with"
            and _attribute(node.args[0]) == sort_key
        ):
            sort.append(("begins_with", (_literal(node.args[1]),)))
        else:
            raise ExpressionError(
                f"Invalid {_WHAT}: {text!r}; use `{partition_key} = :v` optionally AND one of "
                "=, <, <=, >, >=, BETWEEN or begins_with on the sort key."
            )
    if len(partition) != 1:
        raise ExpressionError(
            f"Invalid {_WHAT}: {text!r} must test the partition key {partition_key!r} with = "
            "exactly once."
        )
    if len(sort) > 1:
        raise ExpressionError(f"Invalid {_WHAT}: {text!r} tests the sort key more than once.")
    if sort:
        op, values = sort[0]
        if op == "BETWEEN" and _sorts_after(values[0], values[1]):
            raise ExpressionError(
                f"Invalid {_WHAT}: BETWEEN bounds are reversed in {text!r}; put the lower first."
            )
        return KeyCondition(partition[0], op, values)
    return KeyCondition(partition[0])


def _sorts_after(low: Any, high: Any) -> bool:
    return bool(key_bytes(low) > key_bytes(high))


def _unknown(name: str, partition_key: str, sort_key: str | None) -> ExpressionError:
    keys = [partition_key] + ([sort_key] if sort_key else [])
    return ExpressionError(
        f"Invalid {_WHAT}: {name!r} is not a key attribute here (keys: {keys}); move other "
        "tests to the filter expression."
    )
