"""Run input: checked against ``schemas/run_input.json``, defaults filled, nothing else."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema


class InvalidRunInput(ValueError):
    """The run's input does not match ``schemas/run_input.json``; the message lists why."""


@cache
def _validator() -> jsonschema.Draft202012Validator:
    path = Path(__file__).resolve().parents[2] / "schemas" / "run_input.json"
    schema = json.loads(path.read_text())
    return jsonschema.Draft202012Validator(schema)


def prepare(event: Any, today: dt.date | None = None) -> dict[str, Any]:
    """Check a daily run's input and return it complete.

    Examples
    --------
    >>> prepare({"source": "file", "file": "imports/list.csv"}, today=dt.date(2026, 1, 2))
    {'date': '2026-01-02', 'source': 'file', 'web': True, 'file': 'imports/list.csv'}
    """
    if event is None:
        event = {}
    problems = sorted(_validator().iter_errors(event), key=lambda e: list(e.path))
    if problems:
        lines = [f"{'/'.join(str(p) for p in e.path) or '(input)'}: {e.message}" for e in problems]
        raise InvalidRunInput("The run input is not valid:\n- " + "\n- ".join(lines))
    day = event.get("date") or (today or dt.datetime.now(dt.UTC).date()).isoformat()
    try:
        dt.date.fromisoformat(day)
    except ValueError as exc:
        raise InvalidRunInput(f"date: {day!r} is not a calendar day") from exc
    run = {"date": day, "source": event.get("source", "apollo"), "web": event.get("web", True)}
    if "file" in event:
        run["file"] = event["file"]
    return run
