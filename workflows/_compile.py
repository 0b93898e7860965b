"""``StateMachine``: assembles the states' ASL fragments into one definition and checks it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Literal

from workflows._base import Chain, DefinitionError, State, as_chain, iter_states
from workflows._iam import IamStatement, definition_statements, merge_statements
from workflows._states import StateRef
from workflows._validate import validate_definition


@dataclass
class _Scope:
    """The states of one level (top, a Parallel branch, a Map processor) and their Next."""

    label: str
    states: dict[str, State] = field(default_factory=dict)
    successors: dict[str, str] = field(default_factory=dict)


class _Assembler:
    """Collects states and transitions from chains, then asks each state to render."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def branch(self, body: State | Chain, label: str) -> dict[str, Any]:
        scope = _Scope(label)
        start = self._add_chain(scope, body)
        states = {
            name: state.render(scope.successors.get(name), self)
            for name, state in scope.states.items()
        }
        return {"StartAt": start, "States": states}

    def _where(self, scope: _Scope, name: str) -> str:
        return f"State {name!r}" + (f" (in {scope.label})" if scope.label else "")

    def _add_chain(self, scope: _Scope, body: State | Chain) -> str:
        chain = as_chain(body)
        previous: State | None = None
        for state in chain.states:
            self._add_state(scope, state)
            if previous is not None:
                self._link(scope, previous, state)
            previous = state
        return chain.start.name

    def _add_state(self, scope: _Scope, state: State) -> None:
        if isinstance(state, StateRef):
            return
        existing = scope.states.get(state.name)
        if existing is not None:
            if existing is not state and existing != state:
                problem = (
                    f"{self._where(scope, state.name)}: two different states have this name; "
                    "rename one, or use StateRef(name) to point at the existing state"
                )
                if problem not in self.problems:
                    self.problems.append(problem)
            return
        scope.states[state.name] = state
        for target in state.targets():
            self._add_chain(scope, target)

    def _link(self, scope: _Scope, state: State, following: State) -> None:
        if state.ends_chain:
            kind = type(state).__name__
            hint = (
                "put the states that follow in its .when()/.otherwise() branches"
                if kind == "Choice"
                else "it ends the run, so remove the next() call"
            )
            self.problems.append(
                f"{self._where(scope, state.name)}: a {kind} state cannot be followed by "
                f"{following.name!r} with next(); {hint}"
            )
            return
        current = scope.successors.get(state.name)
        if current is not None and current != following.name:
            self.problems.append(
                f"{self._where(scope, state.name)}: is followed by both {current!r} and "
                f"{following.name!r}; a state has a single Next, so branch with a Choice"
            )
            return
        scope.successors[state.name] = following.name


@dataclass(frozen=True)
class StateMachine:
    """A whole workflow: the first state (or chain) plus top-level settings.

    Parameters
    ----------
    definition
        The state or chain the execution starts with; everything reachable from it
        (Choice branches, Catch handlers, Parallel branches, Map processors) is included.
    comment
        A human-readable description of the state machine.
    timeout_seconds
        Fail the execution with ``States.Timeout`` after this many seconds.
    query_language
        Rendered as ``QueryLanguage`` when given; the builder emits JSONPath states.

    Examples
    --------
    >>> from workflows import LambdaInvoke, Pass, StateMachine, Succeed, jp
    >>> machine = StateMachine(
    ...     Pass("Start", parameters={"domain": jp("$.domain")})
    ...     .next(LambdaInvoke("Check", function_name="thera-check"))
    ...     .next(Succeed("Done")),
    ...     comment="Check one domain",
    ... )
    >>> asl = machine.compile()
    >>> asl["StartAt"], list(asl["States"])
    ('Start', ['Start', 'Check', 'Done'])
    >>> [s.actions for s in machine.iam_statements()]
    [('lambda:InvokeFunction',)]
    """

    definition: State | Chain
    _: KW_ONLY
    comment: str | None = None
    timeout_seconds: int | None = None
    query_language: Literal["JSONPath"] | None = None

    def compile(self) -> dict[str, Any]:
        """Return the ASL definition as a plain dict.

        Raises
        ------
        DefinitionError
            With every problem found (``.problems``), builder and ASL rules alike.
        """
        assembler = _Assembler()
        body = assembler.branch(self.definition, "")
        definition: dict[str, Any] = {}
        if self.comment is not None:
            definition["Comment"] = self.comment
        definition.update(body)
        if self.timeout_seconds is not None:
            definition["TimeoutSeconds"] = self.timeout_seconds
        if self.query_language is not None:
            definition["QueryLanguage"] = self.query_language
        problems = list(assembler.problems)
        problems.extend(p for p in validate_definition(definition) if p not in problems)
        if problems:
            raise DefinitionError(problems)
        return definition

    def to_json(self, *, indent: int | None = 2) -> str:
        """The compiled definition as JSON text."""
        return json.dumps(self.compile(), indent=indent)

    def iam_statements(self) -> list[IamStatement]:
        """The IAM statements the execution role needs, merged (see ``workflows._iam``)."""
        statements: list[IamStatement] = []
        for state in iter_states(self.definition):
            statements.extend(state.iam_statements())
        return merge_statements(statements)


def iam_statements(machine: StateMachine | Mapping[str, Any]) -> list[IamStatement]:
    """IAM statements for a builder ``StateMachine`` or a compiled ASL dict.

    Resources use ``Fn::Sub`` placeholders: ``${AWS::Partition}``, ``${AWS::Region}``,
    ``${AWS::AccountId}`` and, for a Distributed Map, ``${StateMachineName}``. From a raw
    dict only Lambda, S3 reader/writer and Distributed Map needs are derived; extra
    statements given to ``Task(iam=...)`` need the ``StateMachine``.

    Examples
    --------
    >>> asl = {"StartAt": "F", "States": {"F": {"Type": "Task", "End": True,
    ...        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:thera-f"}}}
    >>> iam_statements(asl)[0].resources[1]
    'arn:aws:lambda:us-east-1:123456789012:function:thera-f:*'
    """
    if isinstance(machine, StateMachine):
        return machine.iam_statements()
    return definition_statements(machine)
