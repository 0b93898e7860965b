"""JSONPath values: the ``jp()`` marker, payload-template rendering and path syntax checks.

Step Functions (JSONPath query language) knows three kinds of strings here:

* a *Path*: any JSONPath starting with ``$`` (``$.a``, ``$$.Execution.Id`` for the context
  object, ``$name.a`` for a variable), used by InputPath, OutputPath and ``.$`` fields;
* a *Reference Path*: a Path that names exactly one node, written with ``.name``,
  ``['name']`` and ``[0]`` only, used by ResultPath, ItemsPath and the ``...Path`` settings;
* an *intrinsic function* call such as ``States.Format('{}', $.a)``, allowed in ``.$``
  fields of payload templates and in ErrorPath/CausePath.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

INTRINSIC_FUNCTIONS = frozenset(
    {
        "States.Array",
        "States.ArrayContains",
        "States.ArrayGetItem",
        "States.ArrayLength",
        "States.ArrayPartition",
        "States.ArrayRange",
        "States.ArrayUnique",
        "States.Base64Decode",
        "States.Base64Encode",
        "States.Format",
        "States.Hash",
        "States.JsonMerge",
        "States.JsonToString",
        "States.MathAdd",
        "States.MathRandom",
        "States.StringSplit",
        "States.StringToJson",
        "States.UUID",
    }
)

_VARIABLE_ROOT = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
_FUNCTION_NAME = re.compile(r"States\.[A-Za-z0-9]+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
# Characters that make a dot-notation segment ambiguous (wildcards, filters, slices, unions).
_NOT_IN_REFERENCE_NAME = frozenset("*@,:?()' \"")


@dataclass(frozen=True)
class JsonPath:
    """A value taken from the state's data at run time (see :func:`jp`)."""

    expression: str


def jp(expression: str) -> JsonPath:
    """Mark a template value as a path or intrinsic function evaluated at run time.

    In a payload template (``parameters``, ``item_selector``, ``result_selector``,
    ``assign``, a Lambda ``payload``...) the key of a ``jp()`` value is rendered with the
    ``.$`` suffix that Amazon States Language requires.

    Parameters
    ----------
    expression
        A path such as ``"$.domain"``, ``"$$.Map.Item.Value"`` or ``"$count"``, or an
        intrinsic function call such as ``"States.Format('id-{}', $.id)"``.

    Returns
    -------
    JsonPath
        A marker rendered as ``"<key>.$": expression``.

    Examples
    --------
    >>> from workflows import Pass, StateMachine, jp
    >>> pick = Pass("Pick", parameters={"domain": jp("$.domain"), "kind": "site"})
    >>> StateMachine(pick).compile()["States"]["Pick"]["Parameters"]
    {'domain.$': '$.domain', 'kind': 'site'}
    """
    return JsonPath(expression)


def render_template(value: Any) -> Any:
    """Return ``value`` with every ``jp()`` marker turned into a ``"key.$"`` entry."""
    if isinstance(value, Mapping):
        rendered: dict[str, Any] = {}
        for key, item in value.items():
            if isinstance(item, JsonPath):
                rendered[f"{key}.$"] = item.expression
            else:
                rendered[key] = render_template(item)
        return rendered
    if isinstance(value, list | tuple):
        return [render_template(item) for item in value]
    if isinstance(value, JsonPath):
        raise TypeError(
            f"jp({value.expression!r}) can only be a value inside a dict template; "
            "put it under a key, e.g. {'value': jp(...)}."
        )
    return value


def _split_root(path: str) -> tuple[str, str]:
    """Split ``path`` into its root (``$``, ``$$`` or ``$var``) and the rest."""
    if path.startswith("$$"):
        return "$$", path[2:]
    match = _VARIABLE_ROOT.match(path)
    if match:
        return match.group(0), path[match.end() :]
    return "$", path[1:]


def _balanced(text: str) -> bool:
    """Whether brackets and parentheses in ``text`` close properly outside quotes."""
    closing = {"]": "[", ")": "("}
    stack: list[str] = []
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[(":
            stack.append(char)
        elif char in "])" and (not stack or stack.pop() != closing[char]):
            return False
        index += 1
    return not stack and not quote


def path_problem(path: object) -> str | None:
    """Describe why ``path`` is not a valid Path, or return ``None`` when it is."""
    if not isinstance(path, str):
        return f"{path!r} is not a path; a path is a string starting with '$'"
    if not path.startswith("$"):
        return f"{path!r} is not a path; a path must start with '$' (for example '$.{path}')"
    if not _balanced(path):
        return f"{path!r} has unbalanced brackets, parentheses or quotes"
    return None


def _reference_segments_problem(rest: str) -> str | None:
    index = 0
    while index < len(rest):
        char = rest[index]
        if char == ".":
            end = index + 1
            while end < len(rest) and rest[end] not in ".[]":
                end += 1
            name = rest[index + 1 : end]
            if not name:
                return "an empty name or a '..' deep scan"
            if any(c in _NOT_IN_REFERENCE_NAME for c in name):
                return f"the segment {name!r} (wildcards, filters and functions are not allowed)"
            index = end
        elif char == "[":
            close = _bracket_end(rest, index)
            if close is None:
                return "an unclosed '['"
            inner = rest[index + 1 : close]
            if not (inner.lstrip("-").isdigit() or _is_quoted_name(inner)):
                return f"the selector [{inner}] (only [0]-style indexes and ['name'] are allowed)"
            index = close + 1
        else:
            return f"the character {char!r} where '.' or '[' was expected"
    return None


def _bracket_end(text: str, start: int) -> int | None:
    quote = ""
    index = start + 1
    while index < len(text):
        char = text[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "]":
            return index
        index += 1
    return None


def _is_quoted_name(inner: str) -> bool:
    return len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\""


def reference_path_problem(path: object, *, allow_context: bool = True) -> str | None:
    """Describe why ``path`` is not a valid Reference Path, or return ``None``.

    A Reference Path identifies a single node: ``.name``, ``['name']`` and ``[0]`` only;
    no wildcards, filters, slices, unions, deep scans or functions.
    """
    problem = path_problem(path)
    if problem or not isinstance(path, str):
        return problem
    root, rest = _split_root(path)
    if not allow_context and root != "$":
        return (
            f"{path!r} must point into the state's data ('$...'); "
            "the context object ('$$') and variables cannot be written to"
        )
    segment = _reference_segments_problem(rest)
    if segment:
        return f"{path!r} is not a reference path: it contains {segment}"
    return None


class _IntrinsicParser:
    """A recursive-descent check of an intrinsic function call's syntax."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0

    def fail(self, reason: str) -> ValueError:
        return ValueError(f"{reason} at position {self.index}")

    def skip_spaces(self) -> None:
        while self.index < len(self.text) and self.text[self.index] == " ":
            self.index += 1

    def call(self) -> None:
        match = _FUNCTION_NAME.match(self.text, self.index)
        if not match:
            raise self.fail("expected a function name such as States.Format")
        if match.group(0) not in INTRINSIC_FUNCTIONS:
            raise self.fail(f"unknown intrinsic function {match.group(0)}")
        self.index = match.end()
        if self.text[self.index : self.index + 1] != "(":
            raise self.fail("expected '('")
        self.index += 1
        self.skip_spaces()
        if self.text[self.index : self.index + 1] == ")":
            self.index += 1
            return
        while True:
            self.skip_spaces()
            self.argument()
            self.skip_spaces()
            char = self.text[self.index : self.index + 1]
            self.index += 1
            if char == ")":
                return
            if char != ",":
                raise self.fail("expected ',' or ')'")

    def argument(self) -> None:
        rest = self.text[self.index :]
        if rest.startswith("'"):
            self.string()
        elif rest.startswith("$"):
            self.path()
        elif rest.startswith("States."):
            self.call()
        elif rest.startswith(("true", "false", "null")):
            self.index += 4 if rest.startswith(("true", "null")) else 5
        else:
            match = _NUMBER.match(self.text, self.index)
            if not match:
                raise self.fail("expected a 'string', a number, a path or a function")
            self.index = match.end()

    def string(self) -> None:
        self.index += 1
        while self.index < len(self.text):
            char = self.text[self.index]
            if char == "\\":
                self.index += 2
                continue
            self.index += 1
            if char == "'":
                return
        raise self.fail("unterminated string")

    def path(self) -> None:
        start = self.index
        depth = 0
        while self.index < len(self.text):
            char = self.text[self.index]
            if char in "'\"" and depth:
                close = self.text.find(char, self.index + 1)
                if close < 0:
                    raise self.fail("unterminated quote in a path")
                self.index = close + 1
                continue
            if char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            elif depth == 0 and char in ",) ":
                break
            self.index += 1
        problem = path_problem(self.text[start : self.index])
        if problem:
            raise self.fail(problem)


def intrinsic_problem(expression: str) -> str | None:
    """Describe why ``expression`` is not a valid intrinsic function call, or ``None``."""
    parser = _IntrinsicParser(expression)
    try:
        parser.call()
    except ValueError as exc:
        return f"{expression!r} is not a valid intrinsic function call: {exc}"
    if parser.index != len(expression):
        return f"{expression!r} has text after the closing ')' of the intrinsic function"
    return None


def dynamic_value_problem(value: object) -> str | None:
    """Check the value of a ``.$`` field: a Path or an intrinsic function call."""
    if not isinstance(value, str):
        return f"{value!r} must be a string holding a path ('$...') or an intrinsic function"
    if value.startswith("States."):
        return intrinsic_problem(value)
    if value.startswith("$"):
        return path_problem(value)
    return (
        f"{value!r} must be a path starting with '$' or an intrinsic function "
        "such as States.Format(...); drop the '.$' suffix to pass a literal string"
    )


def template_problems(template: object, where: str) -> list[str]:
    """Check every ``"key.$"`` field of a payload template, at any depth."""
    problems: list[str] = []
    if isinstance(template, Mapping):
        for key, value in template.items():
            if isinstance(key, str) and key.endswith(".$"):
                problem = dynamic_value_problem(value)
                if problem:
                    problems.append(f"{where}: field {key!r}: {problem}")
            else:
                problems.extend(template_problems(value, f"{where}.{key}"))
    elif isinstance(template, list):
        for index, value in enumerate(template):
            problems.extend(template_problems(value, f"{where}[{index}]"))
    return problems
