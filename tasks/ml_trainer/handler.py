"""The model trainer Lambda: a week of shortlist feedback in, maybe a new current model out.

Event (``schemas/ml_trainer_event.json``)::

    {"as_of": "2025-02-03T02:00:00Z", "lookback_days": 180}

Reads shortlist events and the challenge log from the data bucket, the matcher index and the
current model from the ``gold`` bucket, trains and evaluates (see :mod:`tasks.ml_trainer.logic`),
writes the candidate to ``models/match_lr/<version>.json`` and, only if it is better, moves
``models/match_lr/current.json`` to it. Returns ``schemas/ml_trainer_result.json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tasks._ports import default_ports
from tasks.ml_trainer._feedback import read_rows
from tasks.ml_trainer.logic import (
    TrainerConfig,
    TrainingOutcome,
    challenge_infos,
    parse_time,
    train,
)
from thera_sdk import Ports, ValidationError
from thera_sdk.match import MODEL_BUCKET, load_index, load_model, save_model, validate_event

__all__ = ["handler", "result_json"]




def _config(event: dict[str, Any]) -> TrainerConfig:
    names = TrainerConfig.__dataclass_fields__.keys() & event.keys()
    return TrainerConfig(**{name: event[name] for name in names})


def result_json(
    outcome: TrainingOutcome, current_version: str, model_key: str | None
) -> dict[str, Any]:
    """The task result (``schemas/ml_trainer_result.json``) of a training outcome.

    Examples
    --------
    >>> result_json(outcome, "default", None)["status"]  # doctest: +SKIP
    'not_enough_feedback'
    """
    metrics = None
    if outcome.candidate_metrics and outcome.current_metrics:
        metrics = {
            "candidate": outcome.candidate_metrics.to_json(),
            "current": outcome.current_metrics.to_json(),
        }
    return {
        "status": outcome.status,
        "promoted": outcome.promoted,
        "reason": outcome.reason,
        "current_version": current_version,
        "model_version": outcome.candidate.version if outcome.candidate else None,
        "model_key": model_key,
        "counts": dict(outcome.counts),
        "metrics": metrics,
    }


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    """Train, evaluate and maybe promote the match model; return what was decided.

    Examples
    --------
    >>> handler({"lookback_days": 90}, ports=ports)["status"]  # doctest: +SKIP
    'not_enough_feedback'
    """
    validate_event(event, "ml_trainer_event")
    ports = ports or default_ports()
    now = parse_time(event["as_of"]) if "as_of" in event else dt.datetime.now(dt.UTC)
    if now is None:
        raise ValidationError(f"as_of {event['as_of']!r} is not an ISO 8601 time; fix it.")
    since = (now - dt.timedelta(days=event.get("lookback_days", 180))).date()
    data, gold = ports.settings.data_bucket, ports.settings.bucket_name(MODEL_BUCKET)
    events = read_rows(
        ports.objects, data, event.get("events_dataset", "events/shortlist"),
        since=since, until=now.date(),
    )  # fmt: skip
    logged = read_rows(
        ports.objects, data, event.get("challenges_dataset", "events/challenges"),
        until=now.date(),
    )  # fmt: skip
    current = load_model(ports.objects, gold)
    outcome = train(
        events,
        challenge_infos(logged, events),
        lambda: load_index(ports.objects, gold),
        current,
        config=_config(event),
        now=now,
    )
    key = None
    if outcome.candidate is not None and not event.get("dry_run", False):
        key = save_model(ports.objects, gold, outcome.candidate, promote=outcome.promoted, now=now)
    ports.metrics.put_metric(
        "ModelPromoted", int(outcome.promoted), "Count", {"Task": "ml_trainer"}
    )
    result = result_json(outcome, current.version, key)
    validate_event(result, "ml_trainer_result", what="The trainer's result")
    return result
