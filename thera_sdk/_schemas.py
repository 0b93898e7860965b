"""JSON Schema checks against the files in ``schemas/`` (events, results, records).

The folder ships beside the packages (in the source tree and in the Lambda zip);
``THERA_SCHEMAS_DIR`` points elsewhere.
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from thera_sdk._exceptions import ValidationError

__all__ = ["check", "schemas_dir"]


def schemas_dir() -> Path:
    """Where the schemas are: ``THERA_SCHEMAS_DIR``, else ``schemas/`` beside ``thera_sdk/``."""
    configured = os.environ.get("THERA_SCHEMAS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[1] / "schemas"


@cache
def _validator(name: str, folder: Path) -> Draft202012Validator:
    schema = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
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
    >>> try:
    ...     check("ams_event", {})
    ... except ValidationError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    ams_event does not match ...: (top): 'date' is a required property. Fix these fields and retry.
    """
    errors = sorted(
        _validator(name, schemas_dir()).iter_errors(instance), key=lambda e: list(e.path)
    )
    if errors:
        details = "; ".join(
            f"{'/'.join(map(str, e.path)) or '(top)'}: "
            + (f"breaks the {e.validator!r} rule" if redact and _echoes(e) else e.message)
            for e in errors[:10]
        )
        raise ValidationError(
            f"{name}{subject} does not match schemas/{name}.json: {details}. Fix these fields "
            "and retry."
        )
