"""A compiled state machine: its states built once, then run by a plain loop."""

from __future__ import annotations

from typing import Any

from ._errors import InvalidDefinitionError
from ._runtime import Frame


class Machine:
    """The states of one machine (or of a Parallel branch or Map processor)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from ._branches import MapState, ParallelState
        from ._states import ChoiceState, FailState, PassState, SucceedState, WaitState
        from ._task import TaskState

        kinds: dict[str, Any] = {
            "Pass": PassState,
            "Task": TaskState,
            "Choice": ChoiceState,
            "Wait": WaitState,
            "Succeed": SucceedState,
            "Fail": FailState,
            "Parallel": ParallelState,
            "Map": MapState,
        }
        if spec.get("QueryLanguage", "JSONPath") != "JSONPath":
            raise InvalidDefinitionError(
                ["QueryLanguage JSONata is not supported by the local engine: use JSONPath."]
            )
        self.start_at: str = spec["StartAt"]
        self.timeout_seconds = spec.get("TimeoutSeconds")
        self.states: dict[str, Any] = {}
        for name, state in spec["States"].items():
            if state.get("QueryLanguage", "JSONPath") != "JSONPath":
                raise InvalidDefinitionError(
                    [f"State '{name}' uses JSONata, which the local engine does not run."]
                )
            self.states[name] = kinds[state["Type"]](name, state)

    def run(self, frame: Frame, data: Any, start: str | None = None) -> Any:
        states = self.states
        name: str | None = start or self.start_at
        while name is not None:
            frame.position = (name, data)
            data, name = states[name].run(frame, data)
        return data


def compile_machine(spec: dict[str, Any]) -> Machine:
    return Machine(spec)
