"""JSONPath as Step Functions evaluates it (Jayway semantics), compiled once per definition.

Three kinds of path share one syntax:

- a *path* reads a value: ``$.a.b[0]``, ``$['odd key']``, and the indefinite forms ``$.a[*].b``,
  ``$..b``, ``$.a[0:2]``, ``$.a[?(@.x > 1)]`` that return a list (Jayway's rule);
- a *context path* reads the context object: ``$$.Execution.Id``;
- a *variable path* reads a workflow variable: ``$name.field``.

A *reference path* (``ResultPath``, ``ItemsPath``...) may only name one node, so it is limited to
plain keys and indexes. Simple paths take a fast route (a tuple of steps); indefinite ones go to
jsonpath-ng. Missing data raises ``PathNotFound``; the engine turns it into ``States.Runtime``
with the message AWS uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from jsonpath_ng.exceptions import JsonPathParserError
from jsonpath_ng.ext import parse as _jsonpath_parse

_SIMPLE_STEP = re.compile(
    r"""\.(?P<name>[^.\[\]'"*()@?,:\s]+)      # .name
      | \[\s*'(?P<sq>(?:[^'\\]|\\.)*)'\s*\]   # ['name']
      | \[\s*"(?P<dq>(?:[^"\\]|\\.)*)"\s*\]   # ["name"]
      | \[\s*(?P<index>-?\d+)\s*\]            # [0]
    """,
    re.VERBOSE,
)
_VARIABLE_HEAD = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


class PathNotFound(Exception):
    """The path selects nothing in the data it was applied to."""

    def __init__(self, path: str, detail: str = "") -> None:
        super().__init__(path)
        self.path = path
        self.detail = detail or f"No results for path: {jayway_form(path)}"


class InvalidPath(ValueError):
    """The path is not valid JSONPath (found before a run starts)."""


def _parse_simple(tail: str) -> tuple[str | int, ...] | None:
    steps: list[str | int] = []
    pos = 0
    while pos < len(tail):
        m = _SIMPLE_STEP.match(tail, pos)
        if m is None:
            return None
        if m.group("name") is not None:
            steps.append(m.group("name"))
        elif m.group("sq") is not None:
            steps.append(re.sub(r"\\(.)", r"\1", m.group("sq")))
        elif m.group("dq") is not None:
            steps.append(re.sub(r"\\(.)", r"\1", m.group("dq")))
        else:
            steps.append(int(m.group("index")))
        pos = m.end()
    return tuple(steps)


def jayway_form(path: str) -> str:
    """Render a path the way AWS error messages print it: ``$['a']['b'][0]``."""
    root, tail = _split_root(path)
    steps = _parse_simple(tail)
    if steps is None:
        return path
    out = [root]
    for step in steps:
        out.append(f"[{step}]" if isinstance(step, int) else f"['{step}']")
    return "".join(out)


def _split_root(path: str) -> tuple[str, str]:
    if path.startswith("$$"):
        return "$", path[2:]
    m = _VARIABLE_HEAD.match(path)
    if m:
        return m.group(0), path[m.end() :]
    return "$", path[1:]


def _walk(data: Any, steps: tuple[str | int, ...], path: str) -> Any:
    for step in steps:
        if isinstance(step, str):
            if not isinstance(data, dict) or step not in data:
                raise PathNotFound(path)
            data = data[step]
        else:
            if not isinstance(data, list) or not -len(data) <= step < len(data):
                raise PathNotFound(path)
            data = data[step]
    return data


class Path:
    """A compiled read path. ``get(data, context, variables)`` returns the selected value."""

    __slots__ = ("_complex", "_steps", "kind", "text", "variable")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text.startswith("$"):
            raise InvalidPath(f"A path must start with '$': {text!r}")
        self.text = text
        self.variable: str | None = None
        if text.startswith("$$"):
            self.kind = "context"
        elif _VARIABLE_HEAD.match(text):
            self.kind = "variable"
            self.variable = _VARIABLE_HEAD.match(text).group(1)  # type: ignore[union-attr]
        else:
            self.kind = "input"
        _, tail = _split_root(text)
        self._steps = _parse_simple(tail)
        self._complex: Any = None
        if self._steps is None:
            expr = "$" + tail
            try:
                self._complex = _jsonpath_parse(expr)
            except (JsonPathParserError, Exception) as exc:  # jsonpath-ng raises bare Exceptions
                raise InvalidPath(f"Invalid JSONPath {text!r}: {exc}") from exc

    @property
    def is_definite(self) -> bool:
        return self._steps is not None

    def get(
        self,
        data: Any,
        context: Callable[[], Any] | None = None,
        variables: Callable[[str], Any] | None = None,
    ) -> Any:
        if self.kind == "context":
            root = context() if context is not None else {}
        elif self.kind == "variable":
            if variables is None:
                raise PathNotFound(self.text, f"Variable '{self.variable}' is not defined")
            root = variables(self.variable)  # type: ignore[arg-type]
        else:
            root = data
        if self._steps is not None:
            return _walk(root, self._steps, self.text)
        # Indefinite path: Jayway returns every match as a list, an empty list when none.
        return [match.value for match in self._complex.find(root)]


@lru_cache(maxsize=4096)
def compile_path(text: str) -> Path:
    return Path(text)


class ReferencePath:
    """A path naming one node, used to place a value (``ResultPath``)."""

    __slots__ = ("steps", "text")

    def __init__(self, text: str) -> None:
        if not isinstance(text, str) or not text.startswith("$") or text.startswith("$$"):
            raise InvalidPath(f"A reference path must start with '$': {text!r}")
        steps = _parse_simple(text[1:])
        if steps is None:
            raise InvalidPath(
                f"The reference path {text!r} must name a single node: use plain keys and "
                "indexes, without wildcards, filters or slices."
            )
        self.text = text
        self.steps = steps

    def put(self, target: Any, value: Any) -> Any:
        """A copy of ``target`` with ``value`` at this path (copy-on-write along the path)."""
        if not self.steps:
            return value
        return _put(target, self.steps, value, self.text)


def _put(target: Any, steps: tuple[str | int, ...], value: Any, text: str) -> Any:
    step, rest = steps[0], steps[1:]
    if isinstance(step, str):
        if not isinstance(target, dict):
            raise PathNotFound(text, f"Unable to apply ResultPath '{text}' to a non-object input")
        new = dict(target)
        new[step] = _put(target.get(step, {}), rest, value, text) if rest else value
        return new
    if not isinstance(target, list) or not -len(target) <= step < len(target):
        raise PathNotFound(text, f"Unable to apply ResultPath '{text}': index out of range")
    new_list = list(target)
    new_list[step] = _put(target[step], rest, value, text) if rest else value
    return new_list


@lru_cache(maxsize=1024)
def compile_reference_path(text: str) -> ReferencePath:
    return ReferencePath(text)


def is_path_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("$")
