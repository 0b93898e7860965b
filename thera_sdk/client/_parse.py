"""Reading AWS answers into the typed results of :mod:`thera_sdk.client._models`.

Answers come from boto3 (datetimes, bytes), from the local backend (the same) or from a test's
``MockTransport`` (often ISO strings and JSON text): every reader here accepts all of them. A
missing field raises :class:`~thera_sdk.UnexpectedResponseError` naming it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import UnexpectedResponseError, ValidationError
from thera_sdk.client._models import (
    Contact,
    Match,
    PrivateStartupRecord,
    Run,
    RunEvent,
    StartupRecord,
)
from thera_sdk.storage._values import from_wire, to_wire

__all__ = [
    "as_datetime",
    "check_run_name",
    "decode_item",
    "encode_value",
    "event_from_history",
    "field_of",
    "matches_from_payload",
    "record_from_item",
    "record_timestamp",
    "run_from_description",
    "state_machine_name",
    "workflow_of",
]

_RECORD_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"  # how the publisher writes updated_at / published_at
# What Step Functions refuses in a name: blanks, brackets, wildcards, some punctuation.
_BAD_NAME = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/\x00-\x1f\x7f]")


def check_run_name(name: str) -> None:
    """Raise :class:`~thera_sdk.ValidationError` for a name Step Functions would refuse.

    Examples
    --------
    >>> check_run_name("2025-01-31_rerun")
    >>> check_run_name("a b")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    thera_sdk._exceptions.ValidationError: Run name 'a b' is not valid: ...
    """
    if not isinstance(name, str) or not 1 <= len(name) <= 80 or _BAD_NAME.search(name):
        raise ValidationError(
            f"Run name {name!r} is not valid: use 1 to 80 characters without blanks, brackets, "
            'wildcards or any of " # % \\ ^ | ~ ` $ & , ; : /.'
        )


def field_of(data: Mapping[str, Any], name: str, operation: str) -> Any:
    """``data[name]``, or an error that names the operation and the missing field."""
    try:
        return data[name]
    except (KeyError, TypeError):
        raise UnexpectedResponseError(
            f"The {operation} answer has no {name!r} field; a MockTransport handler must answer "
            "with the operation's documented result."
        ) from None


def as_datetime(value: Any) -> datetime | None:
    """A timezone-aware datetime from a datetime, an ISO 8601 string or epoch seconds.

    Examples
    --------
    >>> as_datetime("2025-01-31T02:00:00Z").isoformat()
    '2025-01-31T02:00:00+00:00'
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float | Decimal):
        return datetime.fromtimestamp(float(value), UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise UnexpectedResponseError(f"{value!r} is not an ISO 8601 timestamp.") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise UnexpectedResponseError(f"{value!r} is not a timestamp.")


def record_timestamp(value: datetime | date | str) -> str:
    """A bound for ``updated_at`` in the publisher's format (UTC, microseconds, ``Z``).

    Examples
    --------
    >>> record_timestamp(date(2025, 1, 31))
    '2025-01-31T00:00:00.000000Z'
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                f"updated_since={value!r} is not an ISO 8601 date or time; pass e.g. "
                "'2025-01-31' or a datetime."
            ) from None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(_RECORD_TIME)


def _json(value: Any) -> Any:
    if value is None or not isinstance(value, str | bytes):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # AWS lets an input be any text; keep it as it is


def state_machine_name(arn: str) -> str:
    """``thera-dev-daily`` from a state machine or execution ARN."""
    parts = arn.split(":")
    if len(parts) >= 7 and parts[5] in {"stateMachine", "execution", "express"}:
        return parts[6]
    return parts[-1]


def workflow_of(state_machine_arn: str, stack: str) -> str:
    """The workflow name of a state machine: its name without the ``<stack>-`` prefix.

    Examples
    --------
    >>> workflow_of("arn:aws:states:us-east-1:1:stateMachine:thera-dev-daily", "thera-dev")
    'daily'
    """
    name = state_machine_name(state_machine_arn)
    return name[len(stack) + 1 :] if name.startswith(f"{stack}-") else name


def run_from_description(data: Mapping[str, Any], stack: str, operation: str) -> Run:
    """A :class:`Run` from ``DescribeExecution`` or a ``ListExecutions`` item."""
    machine = str(field_of(data, "stateMachineArn", operation))
    redrives = data.get("redriveCount")
    return Run(
        run_id=str(field_of(data, "executionArn", operation)),
        name=str(data.get("name") or str(data["executionArn"]).rsplit(":", 1)[-1]),
        workflow=workflow_of(machine, stack),
        status=str(field_of(data, "status", operation)),
        started_at=as_datetime(field_of(data, "startDate", operation)),  # type: ignore[arg-type]
        stopped_at=as_datetime(data.get("stopDate")),
        input=_json(data.get("input")),
        output=_json(data.get("output")),
        error=data.get("error") or None,
        cause=data.get("cause") or None,
        redrive_count=int(redrives) if redrives is not None else 0,
        state_machine_arn=machine,
    )


def event_from_history(event: Mapping[str, Any]) -> RunEvent:
    """A :class:`RunEvent` from one ``GetExecutionHistory`` event."""
    details: Mapping[str, Any] = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, Mapping):
            details = value
            break
    return RunEvent(
        id=int(field_of(event, "id", "GetExecutionHistory")),
        type=str(field_of(event, "type", "GetExecutionHistory")),
        timestamp=as_datetime(field_of(event, "timestamp", "GetExecutionHistory")),  # type: ignore[arg-type]
        previous_id=int(event.get("previousEventId") or 0),
        state=details.get("name"),
        error=details.get("error") or None,
        cause=details.get("cause") or None,
        details=dict(details),
    )


def matches_from_payload(payload: Mapping[str, Any]) -> list[Match]:
    """Matches from the matcher's answer (``schemas/match_response.json``)."""
    results = field_of(payload, "results", "matcher")
    try:
        return [
            Match(
                startup_id=str(item["startup_id"]),
                name=str(item.get("name") or ""),
                score=float(item["score"]),
                similarity=float(item.get("similarity", 0.0)),
                reasons=tuple(str(reason) for reason in item.get("reasons") or ()),
            )
            for item in results
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise UnexpectedResponseError(
            f"The matcher answered a result without a usable {exc} field; see "
            "schemas/match_response.json."
        ) from exc


def decode_item(wire: Mapping[str, Any]) -> dict[str, Any]:
    """A DynamoDB item (``{"name": {"S": "Acme"}}``) as plain values."""
    try:
        return {name: from_wire(value) for name, value in wire.items()}
    except (ValueError, AttributeError, TypeError) as exc:
        raise UnexpectedResponseError(f"Not a DynamoDB item: {exc}.") from exc


def encode_value(value: Any) -> dict[str, Any]:
    """A plain value (str, int, Decimal...) as a DynamoDB ``AttributeValue``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = Decimal(str(value))
    return to_wire(value)


def _number(value: Any, kind: type[int] | type[float]) -> Any:
    if value is None or isinstance(value, bool):
        return None
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None


_PUBLIC_FIELDS = frozenset(StartupRecord.__dataclass_fields__)
_CONTACT_FIELDS = frozenset(Contact.__dataclass_fields__)


def _contact(values: Mapping[str, Any]) -> Contact:
    return Contact(
        **{k: None if v is None else str(v) for k, v in values.items() if k in _CONTACT_FIELDS}
    )


def record_from_item(item: Mapping[str, Any], *, private: bool = False) -> StartupRecord:
    """A typed record from a plain item of ``startups-public`` or ``startups-private``."""
    if not item.get("startup_id"):
        raise UnexpectedResponseError("A startup record has no 'startup_id'.")
    values: dict[str, Any] = {
        "startup_id": str(item["startup_id"]),
        "keywords": tuple(str(k) for k in item.get("keywords") or ()),
        "employees": _number(item.get("employees"), int),
        "founded_year": _number(item.get("founded_year"), int),
        "health_score": _number(item.get("health_score"), float),
        "richness": _number(item.get("richness"), float),
        "updated_at": as_datetime(item.get("updated_at")),
        "published_at": as_datetime(item.get("published_at")),
        "expires_at": as_datetime(item.get("expires_at")),
    }
    for name in ("name", "domain", "website", "description", "industry", "country", "city",
                 "linkedin_url", "record_hash"):  # fmt: skip
        text = item.get(name)
        values[name] = None if text is None else str(text)
    if not private:
        return StartupRecord(**values)
    contacts = tuple(
        _contact(contact) for contact in item.get("contacts") or () if isinstance(contact, Mapping)
    )
    other = {k: v for k, v in item.items() if k not in _PUBLIC_FIELDS and k != "contacts"}
    return PrivateStartupRecord(**values, contacts=contacts, other=other)
