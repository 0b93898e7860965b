"""``validate_definition``: every problem of a raw ASL definition, as a list of messages.

It accepts any definition AWS Step Functions accepts (legacy ``Iterator`` and Map
``Parameters``, plain Lambda ARNs, intrinsic functions, ``$$`` and ``$var`` paths,
``Assign``); JSONata states get the structural checks only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workflows._base import DefinitionError
from workflows._validate_fields import Problems, check_int
from workflows._validate_states import ALLOWED_FIELDS, check_state_fields

MAX_NAME_LENGTH = 80
_TOP_FIELDS = frozenset(
    {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"}
)
_SCOPE_FIELDS = frozenset({"Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage"})
_LANGUAGES = ("JSONPath", "JSONata")


@dataclass
class _Scope:
    """One ``States`` object: the top level, a Parallel branch or a Map processor."""

    label: str
    # None when an enclosing state overrides the machine's QueryLanguage: AWS does not
    # document which language its nested states default to, so both are accepted there.
    language: str | None
    names: set[str] = field(default_factory=set)
    # (where the reference is, target name), in definition order.
    references: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Validator:
    language: str
    problems: Problems = field(default_factory=list)
    defined_at: dict[str, str] = field(default_factory=dict)
    scopes: list[_Scope] = field(default_factory=list)

    def machine(
        self,
        machine: Mapping[str, Any],
        label: str,
        allowed: frozenset[str],
        language: str | None,
    ) -> None:
        scope = _Scope(label, language)
        self.scopes.append(scope)
        prefix = f"{label}: " if label else ""
        for key in machine:
            if key not in allowed:
                self.problems.append(f"{prefix}field {key!r} is not allowed here; remove it")
        states = machine.get("States")
        start = machine.get("StartAt")
        if not isinstance(states, Mapping) or not states:
            self.problems.append(f"{prefix}States must be a non-empty object of named states")
            states = {}
        if not isinstance(start, str) or not start:
            self.problems.append(f"{prefix}StartAt must name the first state")
        else:
            scope.references.append((f"{prefix}StartAt", start))
        scope.names.update(states)
        for name, state in states.items():
            self.state(name, state, scope)
        self.reachability(states, start, scope)

    def where(self, name: str, scope: _Scope) -> str:
        return f"State {name!r}" + (f" (in {scope.label})" if scope.label else "")

    def state(self, name: str, state: object, scope: _Scope) -> None:
        where = self.where(name, scope)
        self.check_name(name, where, scope)
        if not isinstance(state, Mapping):
            self.problems.append(f"{where}: must be an object with a Type")
            return
        kind = state.get("Type")
        if kind not in ALLOWED_FIELDS:
            known = ", ".join(ALLOWED_FIELDS)
            self.problems.append(f"{where}: Type must be one of {known}, not {kind!r}")
            return
        language = state.get("QueryLanguage", scope.language)
        if language is not None and language not in _LANGUAGES:
            self.problems.append(f"{where}: QueryLanguage must be JSONPath or JSONata")
        check_state_fields(
            kind,
            state,
            where,
            self.problems,
            jsonpath=language == "JSONPath",
            language_known=language is not None,
        )
        for field_name, target in _transitions(state):
            scope.references.append((f"{where}: {field_name}", target))
        inherited = scope.language if language in (scope.language, self.language) else None
        self.nested(name, kind, state, scope, inherited)

    def check_name(self, name: str, where: str, scope: _Scope) -> None:
        if not name:
            self.problems.append(f"{where}: a state name cannot be empty; name the state")
        if len(name) > MAX_NAME_LENGTH:
            self.problems.append(
                f"{where}: the name is {len(name)} characters long; AWS allows at most "
                f"{MAX_NAME_LENGTH}, so shorten it"
            )
        first = self.defined_at.get(name)
        if first is None:
            self.defined_at[name] = scope.label or "the top level"
        else:
            here = scope.label or "the top level"
            self.problems.append(
                f"State {name!r} is defined twice ({first} and {here}); state names must be "
                "unique across the whole state machine, branches and Map processors "
                "included, so rename one"
            )

    def nested(
        self,
        name: str,
        kind: str,
        state: Mapping[str, Any],
        scope: _Scope,
        language: str | None,
    ) -> None:
        if kind == "Parallel":
            branches = state.get("Branches")
            if not isinstance(branches, list) or not branches:
                self.problems.append(
                    f"{self.where(name, scope)}: Branches must be a non-empty list"
                )
                return
            for index, branch in enumerate(branches, start=1):
                label = f"Parallel {name!r} branch {index}"
                if isinstance(branch, Mapping):
                    self.machine(branch, label, _SCOPE_FIELDS - {"ProcessorConfig"}, language)
                else:
                    self.problems.append(f"{label}: must be an object with StartAt and States")
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                body = state.get(key)
                legacy = key == "Iterator"
                label = f"Map {name!r} {'iterator' if legacy else 'item processor'}"
                if isinstance(body, Mapping):
                    allowed = _SCOPE_FIELDS - {"ProcessorConfig"} if legacy else _SCOPE_FIELDS
                    self.machine(body, label, allowed, language)
                elif key in state:
                    self.problems.append(f"{label}: must be an object with StartAt and States")

    def reachability(self, states: Mapping[str, Any], start: object, scope: _Scope) -> None:
        """Every state reachable from StartAt; at least one state that can end."""
        if not states:
            return
        if not any(_can_end(state) for state in states.values()):
            prefix = f"{scope.label}: " if scope.label else ""
            self.problems.append(
                f"{prefix}no state ends the run; give a state End: true or add a Succeed "
                "or Fail state"
            )
        if not isinstance(start, str) or start not in states:
            return
        seen = {start}
        pending = [start]
        while pending:
            state = states[pending.pop()]
            for _, target in _transitions(state):
                if target in states and target not in seen:
                    seen.add(target)
                    pending.append(target)
        for name in states:
            if name not in seen:
                self.problems.append(
                    f"{self.where(name, scope)}: is unreachable from StartAt; connect it "
                    "with a Next, a Choice rule or a Catch, or remove it"
                )

    def references(self) -> None:
        """Targets must exist in the same scope: transitions never cross a branch boundary."""
        for scope in self.scopes:
            for where, target in scope.references:
                if target in scope.names:
                    continue
                elsewhere = self.defined_at.get(target)
                if elsewhere is not None:
                    self.problems.append(
                        f"{where}: {target!r} is in {elsewhere}; a state can only go to states "
                        "of its own level (not into or out of a Parallel branch or Map processor)"
                    )
                else:
                    self.problems.append(
                        f"{where}: there is no state named {target!r}; add it or fix the name"
                    )


def _transitions(state: object) -> list[tuple[str, str]]:
    """(field, target) for Next, Default, every Choice rule's Next and every Catch's Next."""
    if not isinstance(state, Mapping):
        return []
    found: list[tuple[str, str]] = []
    for key in ("Next", "Default"):
        if isinstance(state.get(key), str) and state[key]:
            found.append((key, state[key]))
    for key in ("Choices", "Catch"):
        entries = state.get(key)
        if isinstance(entries, list):
            for index, entry in enumerate(entries):
                if (
                    isinstance(entry, Mapping)
                    and isinstance(entry.get("Next"), str)
                    and entry["Next"]
                ):
                    found.append((f"{key}[{index}].Next", entry["Next"]))
    return found


def _can_end(state: object) -> bool:
    if not isinstance(state, Mapping):
        return False
    return state.get("Type") in ("Succeed", "Fail") or state.get("End") is True


def validate_definition(definition: Mapping[str, Any] | str) -> list[str]:
    """Return every problem of an Amazon States Language definition; ``[]`` means valid.

    Works on any ASL (JSONPath in depth, JSONata structurally), not only on builder
    output, so it can guard an engine before it runs a definition.

    Parameters
    ----------
    definition
        The state machine as a dict, or as JSON text.

    Returns
    -------
    list of str
        One message per problem, each saying where it is and how to fix it.

    Examples
    --------
    >>> validate_definition({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})
    []
    >>> for problem in validate_definition({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}):
    ...     print(problem)
    State 'A': has neither Next nor End: true; add one of them
    no state ends the run; give a state End: true or add a Succeed or Fail state
    """
    if isinstance(definition, str):
        try:
            definition = json.loads(definition)
        except json.JSONDecodeError as exc:
            return [f"The definition is not valid JSON: {exc}"]
    if not isinstance(definition, Mapping):
        return ["The definition must be a JSON object with StartAt and States."]
    language = definition.get("QueryLanguage", "JSONPath")
    validator = _Validator(language if language in _LANGUAGES else "JSONPath")
    if language not in _LANGUAGES:
        validator.problems.append(f"QueryLanguage must be JSONPath or JSONata, not {language!r}")
    check_int(definition, "TimeoutSeconds", "The state machine", validator.problems,
              minimum=0, maximum=99_999_999)  # fmt: skip
    validator.machine(definition, "", _TOP_FIELDS, validator.language)
    validator.references()
    return validator.problems


def check_definition(definition: Mapping[str, Any] | str) -> dict[str, Any]:
    """Validate a definition and return it as a dict, or raise with every problem.

    Parameters
    ----------
    definition
        The state machine as a dict, or as JSON text.

    Returns
    -------
    dict
        The definition (parsed when given as text).

    Raises
    ------
    DefinitionError
        When :func:`validate_definition` finds problems; ``.problems`` lists them.

    Examples
    --------
    >>> check_definition('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}')
    {'StartAt': 'A', 'States': {'A': {'Type': 'Succeed'}}}
    """
    problems = validate_definition(definition)
    if problems:
        raise DefinitionError(problems)
    parsed = json.loads(definition) if isinstance(definition, str) else definition
    return dict(parsed)
