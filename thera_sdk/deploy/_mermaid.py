"""A Mermaid flowchart of a compiled ASL definition (Map and Parallel drawn as subgraphs).

Solid arrows are ``Next`` and Choice rules (labelled with the condition), dotted arrows are
Catch handlers (labelled with the errors). Paste the output into any Mermaid renderer, or into
a Markdown file between a ```` ```mermaid ```` fence.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["condition_label", "mermaid"]

_OPERATORS = {
    "Equals": "==",
    "GreaterThan": ">",
    "GreaterThanEquals": ">=",
    "LessThan": "<",
    "LessThanEquals": "<=",
    "Matches": "matches",
}
_KINDS = ("String", "Numeric", "Boolean", "Timestamp")


def _text(value: str) -> str:
    """Quote a label for Mermaid (its own entity for a double quote)."""
    return '"' + value.replace('"', "#quot;") + '"'


def condition_label(rule: Mapping[str, Any]) -> str:
    """A short text for a Choice rule.

    Examples
    --------
    >>> condition_label({"Variable": "$.count", "NumericGreaterThan": 0, "Next": "Go"})
    '$.count > 0'
    >>> condition_label({"Not": {"Variable": "$.x", "IsPresent": True}})
    'not ($.x is present)'
    """
    if "And" in rule or "Or" in rule:
        word = "and" if "And" in rule else "or"
        return f" {word} ".join(f"({condition_label(r)})" for r in rule.get("And", rule.get("Or")))
    if "Not" in rule:
        return f"not ({condition_label(rule['Not'])})"
    if "Condition" in rule:  # JSONata
        return str(rule["Condition"])
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in {"Variable", "Next", "Assign", "Output", "Comment"}:
            continue
        if key.startswith("Is"):
            return f"{variable} {'is' if value else 'is not'} {key[2:].lower()}"
        for kind in _KINDS:
            if key.startswith(kind):
                operator = key[len(kind) :]
                path = operator.endswith("Path")
                operator = operator.removesuffix("Path")
                shown = value if path or not isinstance(value, str) else repr(value)
                if isinstance(value, bool):
                    shown = str(value).lower()
                return f"{variable} {_OPERATORS.get(operator, operator)} {shown}"
    return "condition"


class _Chart:
    def __init__(self) -> None:
        self.lines = ["flowchart TD"]
        self._ids: dict[tuple[str, str], str] = {}

    def node_id(self, scope: str, name: str) -> str:
        key = (scope, name)
        if key not in self._ids:
            self._ids[key] = f"s{len(self._ids)}"
        return self._ids[key]

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def machine(self, machine: Mapping[str, Any], scope: str, depth: int) -> str:
        """Draw one (nested) machine; return the id of its start state."""
        states: Mapping[str, Any] = machine.get("States", {})
        for name, state in states.items():
            self.state(name, state, scope, depth)
        for name, state in states.items():
            self.edges(name, state, scope, depth)
        return self.node_id(scope, machine["StartAt"])

    def state(self, name: str, state: Mapping[str, Any], scope: str, depth: int) -> None:
        node = self.node_id(scope, name)
        kind = state.get("Type")
        if kind == "Map":
            processor = state.get("ItemProcessor") or state.get("Iterator") or {}
            mode = processor.get("ProcessorConfig", {}).get("Mode", "INLINE").lower()
            self.emit(depth, f"subgraph {node} [{_text(f'{name} (Map, {mode})')}]")
            self.machine(processor, f"{scope}/{name}", depth + 1)
            self.emit(depth, "end")
        elif kind == "Parallel":
            self.emit(depth, f"subgraph {node} [{_text(f'{name} (Parallel)')}]")
            for number, branch in enumerate(state.get("Branches", []), start=1):
                branch_id = f"{node}b{number}"
                self.emit(depth + 1, f"subgraph {branch_id} [{_text(f'branch {number}')}]")
                self.machine(branch, f"{scope}/{name}/{number}", depth + 2)
                self.emit(depth + 1, "end")
            self.emit(depth, "end")
        elif kind == "Choice":
            self.emit(depth, f"{node}{{{_text(name)}}}")
        elif kind in {"Succeed", "Fail"}:
            self.emit(depth, f"{node}([{_text(name)}])")
        else:
            self.emit(depth, f"{node}[{_text(name)}]")

    def edges(self, name: str, state: Mapping[str, Any], scope: str, depth: int) -> None:
        node = self.node_id(scope, name)
        if "Next" in state:
            self.emit(depth, f"{node} --> {self.node_id(scope, state['Next'])}")
        for rule in state.get("Choices", []):
            label = _text(condition_label(rule))
            self.emit(depth, f"{node} -->|{label}| {self.node_id(scope, rule['Next'])}")
        if "Default" in state:
            self.emit(depth, f"{node} -->|default| {self.node_id(scope, state['Default'])}")
        for catcher in state.get("Catch", []):
            label = _text(", ".join(catcher.get("ErrorEquals", [])))
            self.emit(depth, f"{node} -.->|{label}| {self.node_id(scope, catcher['Next'])}")


def mermaid(definition: Mapping[str, Any], *, title: str | None = None) -> str:
    """The Mermaid ``flowchart`` text of an ASL definition.

    Examples
    --------
    >>> asl = {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"},
    ...                                   "B": {"Type": "Succeed"}}}
    >>> print(mermaid(asl))
    flowchart TD
        start((start)) --> s0
        s0["A"]
        s1(["B"])
        s0 --> s1
    """
    chart = _Chart()
    if title:
        chart.lines.insert(0, f"---\ntitle: {title}\n---")
    start = chart.node_id("", definition["StartAt"])
    chart.emit(1, f"start((start)) --> {start}")
    chart.machine(definition, "", 1)
    return "\n".join(chart.lines)
