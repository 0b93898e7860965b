"""JSON Schema checks of the matcher's and trainer's events against the files in ``schemas/``."""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from thera_sdk._exceptions import ConfigurationError, ValidationError

__all__ = ["load_schema", "schema_errors", "validate_event"]


def _schema_dir() -> Path:
    # THERA_SCHEMAS_DIR serves packaged deployments where schemas/ sits beside the code
    configured = os.environ.get("THERA_SCHEMAS_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "schemas"


@lru_cache(maxsize=32)
def _validator(path: str) -> Draft202012Validator:
    try:
        schema = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigurationError(
            f"Cannot read JSON Schema {path} ({exc}); set THERA_SCHEMAS_DIR to the schemas/ folder."
        ) from exc
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load_schema(name: str) -> dict[str, Any]:
    """The schema ``schemas/<name>.json`` as a dict.

    Examples
    --------
    >>> load_schema("match_request")["required"]
    ['text']
    """
    return dict(_validator(str(_schema_dir() / f"{name}.json")).schema)


def schema_errors(instance: Any, name: str) -> list[str]:
    """Every way ``instance`` breaks ``schemas/<name>.json``, one line each (empty if valid).

    Examples
    --------
    >>> schema_errors({"text": "fraud", "limit": 0}, "match_request")
    ['limit: 0 is less than the minimum of 1']
    """
    validator = _validator(str(_schema_dir() / f"{name}.json"))
    problems = []
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(part) for part in error.absolute_path) or "(event)"
        problems.append(f"{where}: {error.message[:200]}")
    return problems


def validate_event(instance: Any, name: str, *, what: str = "The request") -> None:
    """Raise :class:`ValidationError` listing every problem of ``instance`` against a schema.

    ``what`` names the document in the message ("The request", "The result").

    Examples
    --------
    >>> validate_event({"text": "card fraud"}, "match_request")
    """
    problems = schema_errors(instance, name)
    if problems:
        raise ValidationError(
            f"{what} does not follow schemas/{name}.json: " + "; ".join(problems)
            + ". Fix these fields and send it again."
        )
