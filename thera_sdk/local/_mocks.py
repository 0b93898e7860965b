"""Step Functions Local's mock configuration (``MockConfigFile.json``).

The file names test cases per state machine and, for each, the mocked response every mocked Task
state uses::

    {"StateMachines": {"Match": {"TestCases": {"HappyPath": {"Scrape": "ScrapeOk"}}}},
     "MockedResponses": {"ScrapeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {}}},
                                      "1-2": {"Throw": {"Error": "Boom", "Cause": "..."}}}}}

A mocked response is keyed by invocation number: ``"0"`` is the first call, ``"1-2"`` an inclusive
range. Semantics follow Step Functions Local (AWS guide "Configuration file for mocked service
integrations"), with what implementations checked against ``aws-stepfunctions-local`` 2.0.0 report
where the guide is silent:

- the invocation number counts every call of that state in one execution: retries, each Map
  iteration and each pass around a loop all advance it (``MockRun`` keeps that counter);
- the last response is *not* repeated: "you must specify a mocked response for every invocation";
  a call with no entry fails the execution with ``States.Runtime``;
- gaps between keys and an entry with no keys load fine and fail only when reached;
- ``Return`` is any JSON value and *replaces the service integration's result* (for
  ``lambda:invoke`` that is the whole envelope, ``{"StatusCode": 200, "Payload": ...}``);
  ``Throw`` has string ``Error`` and ``Cause`` fields.
"""

from __future__ import annotations

import copy
import json
import os
import re
import threading
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import StatesError

__all__ = [
    "MockConfig",
    "MockConfigError",
    "MockNotFoundError",
    "MockRun",
    "MockTestCase",
    "MockedReturn",
    "MockedThrow",
]

_KEY = re.compile(r"(\d+)(?:-(\d+))?")


@dataclass(frozen=True)
class MockedReturn:
    """The mocked Task's result, used in place of the service integration's result."""

    value: Any


@dataclass(frozen=True)
class MockedThrow:
    """The mocked Task fails with this error and cause (matched by Retry and Catch)."""

    error: str
    cause: str


MockedResponse = MockedReturn | MockedThrow


class MockConfigError(ValueError):
    """The mock configuration is malformed; ``problems`` lists every finding."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("Invalid mock configuration:\n- " + "\n- ".join(self.problems))


class MockNotFoundError(KeyError):
    """A state machine, test case or mocked state that the configuration does not define."""

    def __str__(self) -> str:  # KeyError would print the message quoted
        return str(self.args[0])


class _Responses:
    """One ``MockedResponses`` entry: sorted, non-overlapping invocation ranges."""

    __slots__ = ("firsts", "name", "ranges")

    def __init__(self, name: str, ranges: list[tuple[int, int, MockedResponse]]) -> None:
        self.name = name
        self.ranges = sorted(ranges, key=lambda r: r[0])
        self.firsts = [first for first, _, _ in self.ranges]

    def at(self, invocation: int) -> MockedResponse | None:
        i = bisect_right(self.firsts, invocation) - 1
        if i >= 0 and invocation <= self.ranges[i][1]:
            return self.ranges[i][2]
        return None

    def describe(self) -> str:
        keys = [_key(a, b) for a, b, _ in self.ranges]
        return ", ".join(keys) if keys else "no invocations"


class MockTestCase:
    """The mocked states of one test case."""

    def __init__(self, state_machine: str, name: str, states: Mapping[str, _Responses]) -> None:
        self.state_machine = state_machine
        self.name = name
        self._states = dict(states)

    @property
    def mocked_states(self) -> tuple[str, ...]:
        return tuple(self._states)

    def has_mock(self, state_name: str) -> bool:
        return state_name in self._states

    def response(self, state_name: str, attempt: int) -> MockedResponse:
        """The response for the ``attempt``-th invocation (0 = first) of ``state_name``.

        Raises ``MockNotFoundError`` if the state is not mocked in this test case, and
        ``StatesError("States.Runtime", ...)`` if no entry covers ``attempt``.
        """
        if attempt < 0:
            raise ValueError(f"attempt must be 0 or more, got {attempt}")
        responses = self._states.get(state_name)
        if responses is None:
            mocked = ", ".join(self._states) or "none"
            raise MockNotFoundError(
                f"State '{state_name}' is not mocked in test case '{self.name}' of state machine "
                f"'{self.state_machine}'; mocked states: {mocked}. Check has_mock() first."
            )
        found = responses.at(attempt)
        if found is None:
            raise StatesError(
                "States.Runtime",
                f"No mocked response for invocation {attempt} of state '{state_name}': mocked "
                f"response '{responses.name}' defines {responses.describe()} (test case "
                f"'{self.name}').",
            )
        return found

    def start_run(self) -> MockRun:
        """Per-execution invocation counters, as Step Functions Local keeps them."""
        return MockRun(self)


class MockRun:
    """Counts invocations of each mocked state during one execution (thread-safe)."""

    def __init__(self, test_case: MockTestCase) -> None:
        self.test_case = test_case
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def next_response(self, state_name: str) -> MockedResponse:
        """The response for this state's next invocation (retries and iterations included)."""
        with self._lock:
            attempt = self._counts.get(state_name, 0)
            self._counts[state_name] = attempt + 1
        return self.test_case.response(state_name, attempt)


class MockConfig:
    """A loaded and validated mock configuration."""

    def __init__(
        self,
        test_cases: Mapping[str, Mapping[str, Mapping[str, str]]],
        responses: Mapping[str, _Responses],
    ) -> None:
        self._test_cases = test_cases
        self._responses = responses

    @classmethod
    def load(cls, source: str | os.PathLike[str] | Mapping[str, Any]) -> MockConfig:
        """Load from a file path, JSON text or an already-parsed mapping.

        Raises ``MockConfigError`` listing every problem found.
        """
        if isinstance(source, Mapping):
            raw: Any = copy.deepcopy(dict(source))
        else:
            text = str(source)
            if not isinstance(source, str) or not text.lstrip().startswith(("{", "[")):
                text = Path(source).read_text(encoding="utf-8")
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as exc:
                raise MockConfigError([f"The mock configuration is not valid JSON: {exc}"]) from exc
        return cls(*_validate(raw))

    @property
    def state_machines(self) -> tuple[str, ...]:
        return tuple(self._test_cases)

    def test_cases(self, state_machine: str) -> tuple[str, ...]:
        return tuple(self._lookup_machine(state_machine))

    def test_case(self, state_machine: str, test_case: str) -> MockTestCase:
        cases = self._lookup_machine(state_machine)
        if test_case not in cases:
            names = ", ".join(cases) or "none"
            raise MockNotFoundError(
                f"No test case '{test_case}' for state machine '{state_machine}'; "
                f"it defines: {names}."
            )
        states = {state: self._responses[name] for state, name in cases[test_case].items()}
        return MockTestCase(state_machine, test_case, states)

    def _lookup_machine(self, state_machine: str) -> Mapping[str, Mapping[str, str]]:
        if state_machine not in self._test_cases:
            names = ", ".join(self._test_cases) or "none"
            raise MockNotFoundError(
                f"No state machine '{state_machine}' in the mock configuration; "
                f"it defines: {names}."
            )
        return self._test_cases[state_machine]


def _validate(
    raw: Any,
) -> tuple[dict[str, dict[str, dict[str, str]]], dict[str, _Responses]]:
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise MockConfigError(["The mock configuration must be a JSON object."])
    machines = raw.get("StateMachines")
    mocked = raw.get("MockedResponses")
    if not isinstance(machines, dict):
        problems.append("'StateMachines' must be an object of state machine names.")
        machines = {}
    if not isinstance(mocked, dict):
        problems.append("'MockedResponses' must be an object of mocked response names.")
        mocked = {}

    responses: dict[str, _Responses] = {}
    for name, entries in mocked.items():
        responses[name] = _validate_response(name, entries, problems)

    test_cases: dict[str, dict[str, dict[str, str]]] = {}
    for machine, spec in machines.items():
        where = f"StateMachines.{machine}"
        cases = spec.get("TestCases") if isinstance(spec, dict) else None
        if not isinstance(cases, dict):
            problems.append(f"{where} must be an object with a 'TestCases' object.")
            continue
        test_cases[machine] = {}
        for case, states in cases.items():
            if not isinstance(states, dict):
                problems.append(f"{where}.TestCases.{case} must map state names to responses.")
                continue
            for state, name in states.items():
                if not isinstance(name, str):
                    problems.append(
                        f"{where}.TestCases.{case}.{state} must be the name of a mocked "
                        f"response, got {json.dumps(name)}."
                    )
                elif name not in mocked:
                    problems.append(
                        f"{where}.TestCases.{case}.{state} refers to mocked response '{name}', "
                        "which 'MockedResponses' does not define."
                    )
            test_cases[machine][case] = {s: n for s, n in states.items() if isinstance(n, str)}
    if problems:
        raise MockConfigError(problems)
    return test_cases, responses


def _validate_response(name: str, entries: Any, problems: list[str]) -> _Responses:
    where = f"MockedResponses.{name}"
    if not isinstance(entries, dict):
        problems.append(f'{where} must be an object keyed by invocation numbers like "0".')
        return _Responses(name, [])
    ranges: list[tuple[int, int, MockedResponse]] = []
    for key, entry in entries.items():
        m = _KEY.fullmatch(key)
        if m is None:
            problems.append(
                f"{where} key '{key}' must be an invocation number like \"0\" or an inclusive "
                'range like "1-2".'
            )
            continue
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) is not None else first
        if last < first:
            problems.append(f"{where} key '{key}' is a range that ends before it starts.")
            continue
        response = _validate_entry(f"{where}.{key}", entry, problems)
        if response is not None:
            ranges.append((first, last, response))
    ranges.sort(key=lambda r: r[0])
    widest: tuple[int, int] | None = None  # the earlier range reaching furthest
    for first, last, _ in ranges:
        if widest is not None and first <= widest[1]:
            problems.append(
                f"{where} keys overlap: {_key(*widest)} and {_key(first, last)} both cover "
                f"invocation {first}; each invocation needs exactly one response."
            )
        if widest is None or last > widest[1]:
            widest = (first, last)
    return _Responses(name, ranges)


def _key(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _validate_entry(where: str, entry: Any, problems: list[str]) -> MockedResponse | None:
    if not isinstance(entry, dict):
        problems.append(f"{where} must be an object with 'Return' or 'Throw'.")
        return None
    kinds = [k for k in ("Return", "Throw") if k in entry]
    extra = sorted(set(entry) - {"Return", "Throw"})
    if extra:
        problems.append(f"{where} has unknown fields {extra}; use 'Return' or 'Throw'.")
    if len(kinds) != 1:
        which = "both 'Return' and 'Throw'" if kinds else "neither 'Return' nor 'Throw'"
        problems.append(f"{where} has {which}; give exactly one.")
        return None
    if kinds == ["Return"]:
        return MockedReturn(entry["Return"])
    throw = entry["Throw"]
    if not isinstance(throw, dict):
        problems.append(f"{where}.Throw must be an object with string 'Error' and 'Cause'.")
        return None
    bad = [f for f in ("Error", "Cause") if not isinstance(throw.get(f), str)]
    if bad:
        problems.append(f"{where}.Throw needs string {' and '.join(repr(f) for f in bad)}.")
        return None
    return MockedThrow(throw["Error"], throw["Cause"])
