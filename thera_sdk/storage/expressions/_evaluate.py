"""Evaluate parsed expressions against items, with DynamoDB's semantics.

- A comparison between values of different types is false (``<>`` is then true); a missing
  attribute compares like a value of no type.
- ``<``, ``<=``, ``>``, ``>=`` and ``BETWEEN`` order numbers numerically and strings and binary
  byte by byte (UTF-8).
- In an update, every right-hand side is computed from the item as it was before the update.
"""

from __future__ import annotations

import copy
import decimal
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.storage._values import NUMBER_CONTEXT, key_bytes, type_of
from thera_sdk.storage.expressions._ast import (
    AddAction,
    And,
    Between,
    Compare,
    Condition,
    DeleteAction,
    Function,
    IfNotExists,
    In,
    ListAppend,
    Literal,
    Not,
    Operand,
    Or,
    Path,
    RemoveAction,
    SetAction,
    Size,
    Sum,
    Update,
)

__all__ = ["MISSING", "apply_update", "evaluate", "resolve"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
_ORDERED = frozenset({"S", "N", "B"})
_TYPE_NAMES = frozenset({"S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"})


def resolve(path: Path, item: dict[str, Any]) -> Any:
    """The value at ``path`` in ``item``, or :data:`MISSING`.

    Examples
    --------
    >>> resolve(Path(("a", 1)), {"a": ["x", "y"]})
    'y'
    """
    current: Any = item
    for element in path.elements:
        if isinstance(element, int):
            if not isinstance(current, list) or element >= len(current):
                return MISSING
        elif not isinstance(current, dict) or element not in current:
            return MISSING
        current = current[element]
    return current


def _operand(node: Operand, item: dict[str, Any]) -> Any:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Path):
        return resolve(node, item)
    if isinstance(node, Size):
        value = resolve(node.path, item)
        if value is MISSING or type_of(value) in {"N", "BOOL", "NULL"}:
            return MISSING
        return Decimal(len(value))
    if isinstance(node, IfNotExists):
        value = resolve(node.path, item)
        return _operand(node.default, item) if value is MISSING else value
    if isinstance(node, ListAppend):
        first, second = _operand(node.first, item), _operand(node.second, item)
        if not isinstance(first, list) or not isinstance(second, list):
            raise ValidationError(
                "list_append takes two lists; an operand is missing or not a list."
            )
        return first + second
    return _arithmetic(node, item)


def _arithmetic(node: Sum, item: dict[str, Any]) -> Decimal:
    left, right = _operand(node.left, item), _operand(node.right, item)
    if left is MISSING or right is MISSING:
        raise ValidationError(
            "The update refers to an attribute that does not exist in the item; wrap it in "
            "if_not_exists(attr, :default)."
        )
    if not isinstance(left, Decimal) or not isinstance(right, Decimal):
        raise ValidationError("An operand of + or - in the update is not a number.")
    try:
        return (
            NUMBER_CONTEXT.add(left, right)
            if node.op == "+"
            else NUMBER_CONTEXT.subtract(left, right)
        )
    except decimal.DecimalException as exc:
        raise ValidationError(
            "The result of + or - does not fit a DynamoDB number (38 digits)."
        ) from exc


def _equal(left: Any, right: Any) -> bool:
    if left is MISSING or right is MISSING:
        return False
    return type_of(left) == type_of(right) and left == right


def _order(left: Any, right: Any) -> tuple[bytes, bytes] | None:
    if left is MISSING or right is MISSING:
        return None
    kind = type_of(left)
    if kind not in _ORDERED or kind != type_of(right):
        return None
    return key_bytes(left), key_bytes(right)


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "<>":
        return not _equal(left, right)
    pair = _order(left, right)
    if pair is None:
        return False
    a, b = pair
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]


def _function(node: Function, item: dict[str, Any]) -> bool:
    assert isinstance(node.args[0], Path)
    value = resolve(node.args[0], item)
    if node.name == "attribute_exists":
        return value is not MISSING
    if node.name == "attribute_not_exists":
        return value is MISSING
    argument = _operand(node.args[1], item)
    if node.name == "attribute_type":
        if argument not in _TYPE_NAMES:
            raise ValidationError(
                f"attribute_type takes one of {sorted(_TYPE_NAMES)}, got {argument!r}."
            )
        return value is not MISSING and type_of(value) == argument
    if node.name == "begins_with":
        if isinstance(value, str) and isinstance(argument, str):
            return value.startswith(argument)
        if isinstance(value, bytes) and isinstance(argument, bytes):
            return value.startswith(argument)
        return False
    # contains
    if isinstance(value, str) and isinstance(argument, str):
        return argument in value
    if isinstance(value, (set, list)) and argument is not MISSING:
        return any(_equal(member, argument) for member in value)
    return False


def evaluate(node: Condition, item: dict[str, Any]) -> bool:
    """Whether ``item`` satisfies the condition (``{}`` stands for "no item").

    Examples
    --------
    >>> from thera_sdk.storage.expressions._parser import ExpressionContext, parse_condition
    >>> evaluate(parse_condition("attribute_not_exists(pk)", ExpressionContext()), {})
    True
    """
    if isinstance(node, And):
        return evaluate(node.left, item) and evaluate(node.right, item)
    if isinstance(node, Or):
        return evaluate(node.left, item) or evaluate(node.right, item)
    if isinstance(node, Not):
        return not evaluate(node.operand, item)
    if isinstance(node, Compare):
        return _compare(node.op, _operand(node.left, item), _operand(node.right, item))
    if isinstance(node, Between):
        value = _operand(node.operand, item)
        low, high = _operand(node.low, item), _operand(node.high, item)
        return _compare(">=", value, low) and _compare("<=", value, high)
    if isinstance(node, In):
        value = _operand(node.operand, item)
        return any(_equal(value, _operand(option, item)) for option in node.options)
    return _function(node, item)


def _check_paths(update: Update, key_names: frozenset[str]) -> None:
    paths = [action.path for action in update.actions]
    for path in paths:
        if path.elements[0] in key_names:
            raise ValidationError(
                f"Cannot update attribute {path.elements[0]!r}: it is part of the key. Write a "
                "new item instead."
            )
    for i, first in enumerate(paths):
        for second in paths[i + 1 :]:
            shorter = min(len(first.elements), len(second.elements))
            if first.elements[:shorter] == second.elements[:shorter]:
                raise ValidationError(
                    f"Two document paths overlap in the update: {first} and {second}; "
                    "update each attribute once."
                )


def _parent(item: dict[str, Any], path: Path) -> Any:
    parent: Any = item
    for element in path.elements[:-1]:
        if isinstance(element, int):
            ok = isinstance(parent, list) and element < len(parent)
        else:
            ok = isinstance(parent, dict) and element in parent
        if not ok:
            raise ValidationError(
                f"The document path {path} is invalid for update: its parent does not exist "
                "or is not a map/list."
            )
        parent = parent[element]
    return parent


def _assign(item: dict[str, Any], path: Path, value: Any) -> None:
    parent, last = _parent(item, path), path.elements[-1]
    if isinstance(last, int):
        if not isinstance(parent, list):
            raise ValidationError(f"The document path {path} is invalid: {path} is not a list.")
        if last < len(parent):
            parent[last] = value
        else:
            parent.append(value)
    elif isinstance(parent, dict):
        parent[last] = value
    else:
        raise ValidationError(f"The document path {path} is invalid: its parent is not a map.")


def _remove(item: dict[str, Any], path: Path) -> None:
    parent, last = _parent(item, path), path.elements[-1]
    if isinstance(last, int):
        if isinstance(parent, list) and last < len(parent):
            del parent[last]
    elif isinstance(parent, dict):
        parent.pop(last, None)


def _add(current: Any, value: Any, path: Path) -> Any:
    kind = type_of(value)
    if kind == "N" and (current is MISSING or isinstance(current, Decimal)):
        base = Decimal(0) if current is MISSING else current
        try:
            return NUMBER_CONTEXT.add(base, value)
        except decimal.DecimalException as exc:
            raise ValidationError(f"ADD {path}: the result does not fit a number.") from exc
    if kind in {"SS", "NS", "BS"} and (current is MISSING or type_of(current) == kind):
        return value | (set() if current is MISSING else current)
    raise ValidationError(
        f"ADD {path}: an operand has the wrong type; ADD works on a number or a set of the "
        "same type as the attribute."
    )


def apply_update(
    update: Update, item: dict[str, Any], key_names: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """Return a new item: ``item`` (``{}`` when absent) with the update applied.

    Examples
    --------
    >>> from thera_sdk.storage.expressions._parser import ExpressionContext, parse_update
    >>> ctx = ExpressionContext(values={":one": 1})
    >>> apply_update(parse_update("ADD hits :one", ctx), {"pk": "a"})
    {'pk': 'a', 'hits': Decimal('1')}
    """
    _check_paths(update, key_names)
    result = copy.deepcopy(item)
    computed = [
        (action, _operand(action.value, item))
        for action in update.actions
        if isinstance(action, SetAction)
    ]
    for action, value in computed:
        if value is MISSING:
            raise ValidationError(
                f"SET {action.path}: the value refers to an attribute that does not exist; "
                "wrap it in if_not_exists(attr, :default)."
            )
        _assign(result, action.path, copy.deepcopy(value))
    removals = [a for a in update.actions if isinstance(a, RemoveAction)]
    removals.sort(key=lambda a: [e if isinstance(e, int) else -1 for e in a.path.elements])
    for removal in reversed(removals):
        _remove(result, removal.path)
    for other in update.actions:
        if isinstance(other, AddAction):
            current = resolve(other.path, item)
            _assign(result, other.path, _add(current, other.value.value, other.path))
        elif isinstance(other, DeleteAction):
            _delete(result, other, resolve(other.path, item))
    return result


def _delete(result: dict[str, Any], action: DeleteAction, current: Any) -> None:
    kind = type_of(action.value.value)
    if kind not in {"SS", "NS", "BS"}:
        raise ValidationError(f"DELETE {action.path}: the value must be a set.")
    if current is MISSING:
        return
    if type_of(current) != kind:
        raise ValidationError(f"DELETE {action.path}: the attribute is not a set of that type.")
    remaining = current - action.value.value
    if remaining:
        _assign(result, action.path, remaining)
    else:
        _remove(result, action.path)
