"""Execution history, recorded cheaply and rendered the way ``GetExecutionHistory`` returns it.

Events are kept as tuples holding the Python values; JSON strings (``input``, ``output``...) are
made only when someone reads the history, so recording costs a few hundred nanoseconds.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from typing import Any

# Details fields that AWS returns as JSON text, each with its "...Details" companion.
_JSON_FIELDS = {"input": "inputDetails", "output": "outputDetails"}
_JSON_TEXT_FIELDS = ("parameters",)


def _details_key(event_type: str) -> str:
    """``PassStateEntered`` -> ``stateEnteredEventDetails`` (AWS groups state events)."""
    for suffix, key in (
        ("StateEntered", "stateEnteredEventDetails"),
        ("StateExited", "stateExitedEventDetails"),
    ):
        if event_type.endswith(suffix) and event_type != suffix:
            return key
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class History:
    """An append-only, thread-safe event log with AWS's ids (1, 2, 3...)."""

    def __init__(self, clock_now: Any, listener: Any = None) -> None:
        self._now = clock_now
        self._listener = listener  # called with (event_type, details) as each event is added
        self._ids = itertools.count(1)
        self._events: list[tuple[int, int, datetime, str, dict[str, Any] | None]] = []

    def add(self, event_type: str, previous: int, details: dict[str, Any] | None = None) -> int:
        # count() and list.append() are atomic: threads may append out of id order, and
        # render() sorts, so no lock is needed on this hot path.
        event_id = next(self._ids)
        self._events.append((event_id, previous, self._now(), event_type, details))
        if self._listener is not None:
            self._listener(event_type, details)
        return event_id

    def __len__(self) -> int:
        return len(self._events)

    def render(self) -> list[dict[str, Any]]:
        """The events as ``GetExecutionHistory`` shapes them, oldest first."""
        out = []
        for event_id, previous, stamp, event_type, details in sorted(
            self._events, key=lambda e: e[0]
        ):
            event: dict[str, Any] = {
                "timestamp": stamp,
                "type": event_type,
                "id": event_id,
                "previousEventId": previous,
            }
            if details is not None:
                event[_details_key(event_type)] = _render_details(details)
            out.append(event)
        return out


def _render_details(details: dict[str, Any]) -> dict[str, Any]:
    rendered: dict[str, Any] = {}
    for key, value in details.items():
        if key in _JSON_FIELDS:
            rendered[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
            rendered[_JSON_FIELDS[key]] = {"truncated": False}
        elif key in _JSON_TEXT_FIELDS and not isinstance(value, str):
            rendered[key] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        elif key == "assignedVariables":
            rendered[key] = {
                k: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
                for k, v in value.items()
            }
            rendered["assignedVariablesDetails"] = {"truncated": False}
        else:
            rendered[key] = value
    return rendered
