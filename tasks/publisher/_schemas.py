"""JSON Schema checks of this task's event and result, against the files in ``schemas/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from thera_sdk import ValidationError

__all__ = ["SCHEMAS_DIR", "check"]

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"  # packaged beside tasks/


@cache
def _validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _echoes(error: Any) -> bool:
    # only "additionalProperties" messages are safe: they quote attribute names, not values
    return error.validator != "additionalProperties"


def check(name: str, instance: Any, *, redact: bool = False, subject: str = "") -> None:
    """Raise :class:`ValidationError` listing every way ``instance`` breaks ``schemas/<name>``.

    With ``redact`` the message names the fields and the rules broken but never the values, so
    personal data cannot reach logs through an error.

    Examples
    --------
    >>> check("publisher_event", {"date": "2025-01-31"})
    """
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.path))
    if errors:
        details = "; ".join(
            f"{'/'.join(map(str, e.path)) or '(top)'}: "
            + (f"breaks the {e.validator!r} rule" if redact and _echoes(e) else e.message)
            for e in errors[:10]
        )
        raise ValidationError(
            f"{name}{subject} does not match schemas/{name}.json: {details}. Fix these fields "
            "upstream and retry."
        )
