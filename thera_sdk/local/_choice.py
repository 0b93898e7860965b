"""Choice rules compiled to predicates, with the comparison semantics of Step Functions.

A comparison whose operand has the wrong type is simply false (``StringEquals`` against a number);
a ``Variable`` path that selects nothing is a ``States.Runtime`` error, except for ``IsPresent``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from ._errors import StatesError
from ._paths import PathNotFound, compile_path
from ._templates import Scope

Predicate = Callable[[Any, Scope], bool]

_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "Equals": operator.eq,
    "LessThan": operator.lt,
    "GreaterThan": operator.gt,
    "LessThanEquals": operator.le,
    "GreaterThanEquals": operator.ge,
}


@lru_cache(maxsize=4096)
def parse_timestamp(value: str) -> datetime | None:
    """Parse an RFC 3339 timestamp (uppercase ``T``, ``Z`` or an offset), or return None."""
    m = _TIMESTAMP.match(value)
    if m is None:
        return None
    fraction = (m.group(2) or "")[:7]  # Python keeps microseconds: 6 digits after the dot
    zone = "+00:00" if m.group(3) == "Z" else m.group(3)
    try:
        return datetime.fromisoformat(m.group(1) + fraction + zone)
    except ValueError:
        return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _coerce(kind: str, value: Any) -> Any:
    """The operand as the comparison sees it, or None when its type does not fit."""
    if kind == "String":
        return value if isinstance(value, str) else None
    if kind == "Numeric":
        return value if _is_number(value) else None
    if kind == "Boolean":
        return value if isinstance(value, bool) else None
    if kind == "Timestamp":
        return parse_timestamp(value) if isinstance(value, str) else None
    raise AssertionError(kind)


def string_matches(pattern: str) -> Callable[[str], bool]:
    """``StringMatches``: ``*`` is any run of characters; ``\\*`` and ``\\\\`` are literal."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if ch == "*" else re.escape(ch))
        i += 1
    regex = re.compile("".join(out), re.DOTALL)
    return lambda value: regex.fullmatch(value) is not None


def _runtime(path: str) -> StatesError:
    return StatesError(
        "States.Runtime",
        f"Invalid path '{path}': The choice state's condition path references an invalid value.",
    )


def _reader(text: str) -> Callable[[Any, Scope], Any]:
    path = compile_path(text)

    def read(data: Any, scope: Scope) -> Any:
        try:
            return path.get(data, scope.context, scope.variables)
        except PathNotFound:
            raise _runtime(text) from None

    return read


def compile_rule(rule: dict[str, Any]) -> Predicate:
    """Compile one Choice rule (top level or nested) into ``predicate(data, scope)``."""
    if "And" in rule:
        parts = [compile_rule(r) for r in rule["And"]]
        return lambda data, scope: all(p(data, scope) for p in parts)
    if "Or" in rule:
        parts = [compile_rule(r) for r in rule["Or"]]
        return lambda data, scope: any(p(data, scope) for p in parts)
    if "Not" in rule:
        inner = compile_rule(rule["Not"])
        return lambda data, scope: not inner(data, scope)

    variable = rule["Variable"]
    if "IsPresent" in rule:
        path = compile_path(variable)
        expected = bool(rule["IsPresent"])

        def is_present(data: Any, scope: Scope) -> bool:
            try:
                path.get(data, scope.context, scope.variables)
            except PathNotFound:
                return not expected
            return expected

        return is_present

    read = _reader(variable)
    for test_name, test in _TYPE_TESTS.items():
        if test_name in rule:
            expected = bool(rule[test_name])
            return lambda data, scope, t=test, e=expected: t(read(data, scope)) is e

    if "StringMatches" in rule:
        matches = string_matches(rule["StringMatches"])
        return lambda data, scope: _matches(read(data, scope), matches)

    for key, value in rule.items():
        for kind in ("String", "Numeric", "Boolean", "Timestamp"):
            if not key.startswith(kind):
                continue
            op_name = key[len(kind) :]
            by_path = op_name.endswith("Path")
            op_name = op_name.removesuffix("Path")
            if op_name not in _COMPARATORS or (kind == "Boolean" and op_name != "Equals"):
                continue
            return _comparison(kind, _COMPARATORS[op_name], read, value, by_path)
    raise ValueError(f"Unsupported Choice rule: {sorted(rule)}")


def _matches(value: Any, matches: Callable[[str], bool]) -> bool:
    return isinstance(value, str) and matches(value)


def _comparison(
    kind: str,
    op: Callable[[Any, Any], bool],
    read: Callable[[Any, Scope], Any],
    value: Any,
    by_path: bool,
) -> Predicate:
    if by_path:
        read_other = _reader(value)

        def compare_paths(data: Any, scope: Scope) -> bool:
            left = _coerce(kind, read(data, scope))
            right = _coerce(kind, read_other(data, scope))
            return left is not None and right is not None and op(left, right)

        return compare_paths

    right = _coerce(kind, value)

    def compare(data: Any, scope: Scope) -> bool:
        left = _coerce(kind, read(data, scope))
        return left is not None and right is not None and op(left, right)

    return compare


_TYPE_TESTS: dict[str, Callable[[Any], bool]] = {
    "IsNull": lambda v: v is None,
    "IsNumeric": _is_number,
    "IsString": lambda v: isinstance(v, str),
    "IsBoolean": lambda v: isinstance(v, bool),
    "IsTimestamp": lambda v: isinstance(v, str) and parse_timestamp(v) is not None,
}
