"""Lambda entry point: the execution input in, the complete run description out."""

from __future__ import annotations

from typing import Any

from tasks.prepare_run.logic import prepare


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    return prepare(event)
