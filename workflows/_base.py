"""The pieces every state shares: ``State``, ``Chain``, ``Retry``, ``Catch`` and render helpers.

States are frozen dataclasses: plain data. Transitions are not stored on a state; they come
from the chains a state appears in (``a.next(b)``), from Choice rules and from Catch
handlers, and the compiler turns them into ``Next``/``End`` fields.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass
from typing import Any, ClassVar, Literal, Protocol

from workflows._iam import IamStatement
from workflows._paths import render_template


class DefinitionError(ValueError):
    """A state machine definition has problems; ``problems`` lists every one of them.

    Examples
    --------
    >>> from workflows import Choice, StateMachine
    >>> try:
    ...     StateMachine(Choice("Route")).compile()
    ... except DefinitionError as exc:
    ...     print(exc.problems[0])
    State 'Route': a Choice state needs at least one rule; add one with .when(condition, next)
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        listed = "\n".join(f"  - {problem}" for problem in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(
            f"The state machine definition has {count} {noun}; fix each one below "
            f"and compile again:\n{listed}"
        )


class _Unset(enum.Enum):
    """Tells "not given" apart from ``None`` (which renders as JSON ``null``)."""

    TOKEN = 0


UNSET: Literal[_Unset.TOKEN] = _Unset.TOKEN
JitterStrategy = Literal["FULL", "NONE"]


class RenderContext(Protocol):
    """What the compiler offers a state while it renders."""

    def branch(self, body: State | Chain, label: str) -> dict[str, Any]:
        """Compile ``body`` as a nested state machine (a branch or an item processor)."""
        ...


class State(ABC):
    """Base class of every state builder."""

    name: str
    # Succeed, Fail and Choice end a chain: next() after them is a mistake.
    ends_chain: ClassVar[bool] = False

    def next(self, step: State | Chain) -> Chain:
        """Return a new chain: this state, then ``step``.

        Examples
        --------
        >>> from workflows import Pass, Succeed
        >>> chain = Pass("A").next(Pass("B")).next(Succeed("Done"))
        >>> [state.name for state in chain.states]
        ['A', 'B', 'Done']
        """
        return Chain((self,)).next(step)

    def targets(self) -> tuple[State | Chain, ...]:
        """States this one can transition to besides ``Next`` (Choice rules, Catch handlers)."""
        return ()

    def bodies(self) -> tuple[State | Chain, ...]:
        """Nested state machines (Parallel branches, a Map's item processor)."""
        return ()

    def iam_statements(self) -> list[IamStatement]:
        """IAM statements this state needs (nested states declare their own)."""
        return []

    @abstractmethod
    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        """Render this state's ASL; ``next_name`` is its successor, ``None`` for none."""


@dataclass(frozen=True)
class Chain:
    """An ordered sequence of states; each one transitions to the following one.

    Build chains with :meth:`State.next` rather than directly. A chain is immutable:
    ``next()`` returns a new chain.
    """

    states: tuple[State, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", tuple(self.states))
        if not self.states:
            raise ValueError("A chain needs at least one state.")

    @classmethod
    def of(cls, *steps: State | Chain) -> Chain:
        """Chain ``steps`` in order: ``Chain.of(a, b, c)`` equals ``a.next(b).next(c)``."""
        states: list[State] = []
        for step in steps:
            states.extend(as_chain(step).states)
        return cls(tuple(states))

    @property
    def start(self) -> State:
        """The first state, which the chain's callers transition to."""
        return self.states[0]

    def next(self, step: State | Chain) -> Chain:
        """Return a new chain with ``step`` appended."""
        return Chain(self.states + as_chain(step).states)


def as_chain(step: State | Chain) -> Chain:
    """Wrap a single state in a chain; return chains unchanged."""
    return step if isinstance(step, Chain) else Chain((step,))


def start_name(step: State | Chain) -> str:
    """The name of the state a transition to ``step`` lands on."""
    return as_chain(step).start.name


def iter_states(body: State | Chain) -> Iterator[State]:
    """Every state reachable from ``body`` in the builder graph, nested ones included."""
    seen: set[int] = set()
    pending = list(reversed(as_chain(body).states))
    while pending:
        state = pending.pop()
        if id(state) in seen:
            continue
        seen.add(id(state))
        yield state
        for child in (*state.targets(), *state.bodies()):
            pending.extend(reversed(as_chain(child).states))


@dataclass(frozen=True)
class Retry:
    """A retrier: which errors to retry, how often and how long to wait.

    Fields left as ``None`` are omitted and take AWS's defaults (IntervalSeconds 1,
    MaxAttempts 3, BackoffRate 2.0, no MaxDelaySeconds, JitterStrategy NONE).

    Examples
    --------
    >>> Retry(["States.Timeout"], max_attempts=2, jitter_strategy="FULL").render()
    {'ErrorEquals': ['States.Timeout'], 'MaxAttempts': 2, 'JitterStrategy': 'FULL'}
    """

    errors: Sequence[str]
    _: KW_ONLY
    interval_seconds: int | None = None
    max_attempts: int | None = None
    backoff_rate: float | None = None
    max_delay_seconds: int | None = None
    jitter_strategy: JitterStrategy | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", tuple(self.errors))

    def render(self) -> dict[str, Any]:
        """Render the retrier as ASL."""
        rendered: dict[str, Any] = {"ErrorEquals": list(self.errors)}
        optional = {
            "IntervalSeconds": self.interval_seconds,
            "MaxAttempts": self.max_attempts,
            "BackoffRate": self.backoff_rate,
            "MaxDelaySeconds": self.max_delay_seconds,
            "JitterStrategy": self.jitter_strategy,
        }
        rendered.update({key: value for key, value in optional.items() if value is not None})
        return rendered


@dataclass(frozen=True)
class Catch:
    """A catcher: on these errors, continue at ``handler`` (a state or a chain).

    ``result_path`` places the error output (``{"Error": ..., "Cause": ...}``) in the state's
    input; the default ``"$"`` replaces the input and ``None`` discards the error.

    Examples
    --------
    >>> from workflows import Fail
    >>> Catch(["States.ALL"], Fail("Failed"), result_path="$.error").render()
    {'ErrorEquals': ['States.ALL'], 'Next': 'Failed', 'ResultPath': '$.error'}
    """

    errors: Sequence[str]
    handler: State | Chain
    _: KW_ONLY
    result_path: str | None = "$"
    assign: Mapping[str, Any] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", tuple(self.errors))

    def render(self) -> dict[str, Any]:
        """Render the catcher as ASL."""
        rendered: dict[str, Any] = {
            "ErrorEquals": list(self.errors),
            "Next": start_name(self.handler),
        }
        if self.result_path != "$":
            rendered["ResultPath"] = self.result_path
        if self.assign is not None:
            rendered["Assign"] = render_template(self.assign)
        return rendered


def _render_next_end(next_name: str | None) -> dict[str, Any]:
    """``Next`` when the state has a successor, otherwise ``End: true``."""
    return {"Next": next_name} if next_name is not None else {"End": True}


def _render_retry_catch(retry: Sequence[Retry], catch: Sequence[Catch]) -> dict[str, Any]:
    """``Retry`` and ``Catch`` lists, omitted when empty."""
    rendered: dict[str, Any] = {}
    if retry:
        rendered["Retry"] = [retrier.render() for retrier in retry]
    if catch:
        rendered["Catch"] = [catcher.render() for catcher in catch]
    return rendered


def _render_fields(**fields: Any) -> dict[str, Any]:
    """Keep only the fields that were given (``UNSET`` and ``None`` mean not given)."""
    return {key: value for key, value in fields.items() if value is not None and value is not UNSET}


def _render_paths(
    *,
    input_path: str | None = "$",
    parameters: Mapping[str, Any] | None = None,
    result_selector: Mapping[str, Any] | None = None,
    result_path: str | _Unset | None = UNSET,
    output_path: str | None = "$",
    assign: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Input and output processing fields in ASL's processing order.

    A path of ``"$"`` is the default and is omitted; ``None`` renders JSON ``null``.
    """
    rendered: dict[str, Any] = {}
    if input_path != "$":
        rendered["InputPath"] = input_path
    if parameters is not None:
        rendered["Parameters"] = render_template(parameters)
    if result_selector is not None:
        rendered["ResultSelector"] = render_template(result_selector)
    if result_path is not UNSET and result_path != "$":
        rendered["ResultPath"] = result_path
    if output_path != "$":
        rendered["OutputPath"] = output_path
    if assign is not None:
        rendered["Assign"] = render_template(assign)
    return rendered
