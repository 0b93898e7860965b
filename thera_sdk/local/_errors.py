"""Errors raised while a state machine runs locally.

``StatesError`` carries an ASL error name and cause, exactly as AWS Step Functions reports them
(``States.Runtime``, ``States.TaskFailed``, a Lambda function's exception class name...). The engine
matches it against ``Retry``/``Catch`` rules; user code never needs to catch it.

``InvalidDefinitionError`` is raised before a run starts, when a definition would be rejected by
``CreateStateMachine``.
"""

from __future__ import annotations

# Errors that no retrier or catcher can handle (AWS: "A States.Runtime error isn't retriable";
# States.ALL does not match DataLimitExceeded or Runtime).
UNCATCHABLE = frozenset({"States.Runtime"})
NOT_MATCHED_BY_ALL = frozenset({"States.Runtime", "States.DataLimitExceeded"})


class StatesError(Exception):
    """An error as Step Functions names it: ``error`` (the name) and ``cause`` (free text)."""

    def __init__(self, error: str, cause: str = "") -> None:
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


class InvalidDefinitionError(ValueError):
    """The definition is not valid ASL; ``problems`` lists every finding."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("Invalid state machine definition:\n- " + "\n- ".join(self.problems))
