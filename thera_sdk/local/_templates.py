"""Payload templates (``Parameters``, ``ItemSelector``, ``ResultSelector``, ``Assign``).

A template is compiled once into a small tree of closures. Keys ending in ``.$`` take their value
from a path (input, context ``$$`` or variable ``$name``) or an intrinsic function; every other
value is copied as written. Constant sub-trees are returned as they are: the engine never mutates
a JSON value in place, so sharing them is safe.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from . import _intrinsics
from ._errors import StatesError
from ._paths import PathNotFound, compile_path

Resolver = Callable[[str, Any], Any]  # (path text, data) -> value


class Scope:
    """What a path can see while one state runs: the context object and the variables."""

    __slots__ = ("_context", "_context_cache", "variables")

    def __init__(self, context: Callable[[], Any], variables: Callable[[str], Any]) -> None:
        self._context = context
        self._context_cache: Any = None
        self.variables = variables

    def context(self) -> Any:
        if self._context_cache is None:
            self._context_cache = self._context()
        return self._context_cache

    def read(self, text: str, data: Any) -> Any:
        return compile_path(text).get(data, self.context, self.variables)


Rendered = Callable[[Any, Scope], Any]


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def compile_dynamic(field: str, expression: str) -> Rendered:
    """One ``"key.$": "..."`` value: a path or an intrinsic function call."""
    if _intrinsics.is_intrinsic(expression):

        def intrinsic(data: Any, scope: Scope) -> Any:
            def resolve(path: str) -> Any:
                try:
                    return scope.read(path, data)
                except PathNotFound as exc:
                    raise StatesError(
                        "States.Runtime",
                        f"The JsonPath argument for the field '{exc.path}' could not be found "
                        f"in the input '{_dump(data)}'",
                    ) from None

            return _intrinsics.evaluate(expression, resolve)

        return intrinsic

    path = compile_path(expression)

    def read(data: Any, scope: Scope) -> Any:
        try:
            return path.get(data, scope.context, scope.variables)
        except PathNotFound as exc:
            if path.kind == "variable":
                raise StatesError("States.Runtime", exc.detail) from None
            raise StatesError(
                "States.Runtime",
                f"The JSONPath '{expression}' specified for the field '{field}' could not be "
                f"found in the input '{_dump(data)}'",
            ) from None

    return read


def _is_constant(template: Any) -> bool:
    if isinstance(template, dict):
        return all(not k.endswith(".$") and _is_constant(v) for k, v in template.items())
    if isinstance(template, list):
        return all(_is_constant(v) for v in template)
    return True


def compile_template(template: Any) -> Rendered:
    """Compile a payload template into ``render(data, scope) -> value``."""
    if _is_constant(template):
        return lambda data, scope: template
    if isinstance(template, list):
        parts = [compile_template(v) for v in template]
        return lambda data, scope: [p(data, scope) for p in parts]
    fields: list[tuple[str, Rendered]] = []
    for key, value in template.items():
        if key.endswith(".$"):
            fields.append((key[:-2], compile_dynamic(key, value)))
        else:
            fields.append((key, compile_template(value)))

    def render(data: Any, scope: Scope) -> Any:
        return {name: part(data, scope) for name, part in fields}

    return render
