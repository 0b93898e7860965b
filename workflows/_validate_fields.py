"""Field checks shared by the state validators: paths, numbers, templates, Retry and Catch."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from workflows._paths import (
    intrinsic_problem,
    path_problem,
    reference_path_problem,
    template_problems,
)

MAX_SECONDS = 99_999_999
MAX_DELAY_SECONDS = 31_622_400
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")

Problems = list[str]

RETRIER_FIELDS = frozenset(
    {
        "ErrorEquals",
        "IntervalSeconds",
        "MaxAttempts",
        "BackoffRate",
        "MaxDelaySeconds",
        "JitterStrategy",
        "Comment",
    }
)
CATCHER_FIELDS = frozenset({"ErrorEquals", "Next", "ResultPath", "Assign", "Output", "Comment"})


def is_int(value: object) -> bool:
    """An integer JSON number (``true``/``false`` are not numbers)."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def is_number(value: object) -> bool:
    """A JSON number (``true``/``false`` are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def check_int(
    state: Mapping[str, Any],
    field: str,
    where: str,
    problems: Problems,
    *,
    minimum: int,
    maximum: int | None = None,
) -> None:
    """An optional integer field within ``[minimum, maximum]``."""
    if field not in state:
        return
    value = state[field]
    in_range = is_int(value) and value >= minimum and (maximum is None or value <= maximum)
    if not in_range:
        bound = f"between {minimum} and {maximum}" if maximum is not None else f">= {minimum}"
        problems.append(f"{where}: {field} must be an integer {bound}, not {value!r}")


def check_exclusive(
    state: Mapping[str, Any], fields: tuple[str, ...], where: str, problems: Problems
) -> None:
    """At most one of ``fields`` may be present."""
    present = [field for field in fields if field in state]
    if len(present) > 1:
        listed = " and ".join(present)
        problems.append(f"{where}: has both {listed}; provide only one of them")


def check_reference_path(
    state: Mapping[str, Any],
    field: str,
    where: str,
    problems: Problems,
    *,
    nullable: bool = False,
    writable: bool = False,
) -> None:
    """An optional Reference Path field (``writable``: must point into the state's data)."""
    if field not in state:
        return
    value = state[field]
    if value is None and nullable:
        return
    problem = reference_path_problem(value, allow_context=not writable)
    if problem:
        problems.append(f"{where}: {field}: {problem}")


def check_path(
    state: Mapping[str, Any], field: str, where: str, problems: Problems, *, nullable: bool = False
) -> None:
    """An optional Path field; an intrinsic function is also accepted."""
    if field not in state:
        return
    value = state[field]
    if value is None and nullable:
        return
    if isinstance(value, str) and value.startswith("States."):
        problem = intrinsic_problem(value)
    else:
        problem = path_problem(value)
    if problem:
        problems.append(f"{where}: {field}: {problem}")


def check_template(
    state: Mapping[str, Any],
    field: str,
    where: str,
    problems: Problems,
    *,
    object_only: bool = True,
) -> None:
    """An optional payload template: ``.$`` fields must hold paths or intrinsic functions."""
    if field not in state:
        return
    value = state[field]
    if object_only and not isinstance(value, Mapping):
        problems.append(f"{where}: {field} must be a JSON object, not {type(value).__name__}")
        return
    problems.extend(template_problems(value, f"{where}: {field}"))


def check_enum(
    state: Mapping[str, Any], field: str, allowed: tuple[str, ...], where: str, problems: Problems
) -> None:
    """An optional field that must be one of ``allowed``."""
    if field in state and state[field] not in allowed:
        listed = ", ".join(allowed)
        problems.append(f"{where}: {field} must be one of {listed}, not {state[field]!r}")


def check_retry_catch(
    state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool
) -> None:
    """Retry and Catch lists: their fields, and ``States.ALL`` alone in the last entry."""
    for field, allowed in (("Retry", RETRIER_FIELDS), ("Catch", CATCHER_FIELDS)):
        if field not in state:
            continue
        entries = state[field]
        if not isinstance(entries, list):
            problems.append(f"{where}: {field} must be a list of objects")
            continue
        for index, entry in enumerate(entries):
            label = f"{where}: {field}[{index}]"
            if not isinstance(entry, Mapping):
                problems.append(f"{label} must be an object")
                continue
            for key in entry:
                if key not in allowed:
                    problems.append(f"{label}: field {key!r} is not allowed here; remove it")
            _check_error_equals(entry, label, index == len(entries) - 1, problems)
            if field == "Retry":
                _check_retrier(entry, label, problems)
            else:
                _check_catcher(entry, label, problems, jsonpath=jsonpath)


def _check_error_equals(
    entry: Mapping[str, Any], label: str, is_last: bool, problems: Problems
) -> None:
    errors = entry.get("ErrorEquals")
    if not isinstance(errors, list) or not errors:
        problems.append(f"{label}: ErrorEquals must be a non-empty list of error names")
        return
    if not all(isinstance(error, str) and error for error in errors):
        problems.append(f"{label}: every ErrorEquals entry must be a non-empty string")
    if "States.ALL" in errors and (len(errors) > 1 or not is_last):
        problems.append(
            f"{label}: States.ALL must appear alone and in the last entry; move it to a "
            "final entry of its own"
        )


def _check_retrier(entry: Mapping[str, Any], label: str, problems: Problems) -> None:
    check_int(entry, "IntervalSeconds", label, problems, minimum=1, maximum=MAX_SECONDS)
    check_int(entry, "MaxAttempts", label, problems, minimum=0, maximum=MAX_SECONDS)
    check_int(entry, "MaxDelaySeconds", label, problems, minimum=1, maximum=MAX_DELAY_SECONDS)
    if "BackoffRate" in entry:
        rate = entry["BackoffRate"]
        if not is_number(rate) or rate < 1.0:
            problems.append(f"{label}: BackoffRate must be a number >= 1.0, not {rate!r}")
    check_enum(entry, "JitterStrategy", ("FULL", "NONE"), label, problems)


def _check_catcher(
    entry: Mapping[str, Any], label: str, problems: Problems, *, jsonpath: bool
) -> None:
    if not isinstance(entry.get("Next"), str) or not entry.get("Next"):
        problems.append(f"{label}: needs Next, the state to continue at after the error")
    if jsonpath:
        check_reference_path(entry, "ResultPath", label, problems, nullable=True, writable=True)
        check_template(entry, "Assign", label, problems)
        if "Output" in entry:
            problems.append(f"{label}: Output needs QueryLanguage JSONata; use ResultPath")
