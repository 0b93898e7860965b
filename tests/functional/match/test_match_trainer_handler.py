"""The model trainer Lambda end to end: feedback in a local data bucket, models in ``gold``."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import pytest

from tasks.ml_trainer import handler
from thera_sdk import Ports, Settings, ValidationError, build_ports
from thera_sdk.match import (
    FEATURE_NAMES,
    Matcher,
    MatchRequest,
    current_model_version,
    load_model,
    schema_errors,
)
from thera_sdk.storage import ObjectStore, write_jsonl, write_partition

START = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
TOPICS = ["fraud", "invoices", "clinic", "containers", "solar", "payments", "customs", "grid"]


def _startups(count: int = 60) -> list[dict[str, Any]]:
    rng = random.Random(5)
    return [
        {
            "startup_id": f"s{i:03d}", "name": f"Startup {i}",
            "description": f"We build {rng.choice(TOPICS)} software and "
            f"{rng.choice(TOPICS)} tools.",
            "industry": rng.choice(["Fintech", "Health", "Energy"]), "country": "Germany",
            "keywords": [rng.choice(TOPICS)], "employees": rng.randint(2, 500),
            "founded_year": rng.randint(2000, 2023),
            "richness": rng.random(), "health_score": rng.random() * 100,
        }
        for i in range(count)
    ]  # fmt: skip


def _feedback(startups: list[dict[str, Any]], challenges: int) -> tuple[list[dict], list[dict]]:
    """Each challenge is shown 12 startups; a team shortlists the ones with rich sites."""
    rng = random.Random(11)
    events, log = [], []
    for c in range(challenges):
        at = START + dt.timedelta(hours=12 * c)
        challenge = f"c{c:03d}"
        log.append({"challenge_id": challenge, "text": f"We need {rng.choice(TOPICS)} help",
                    "industry": None, "country": None, "at": at.isoformat()})  # fmt: skip
        for startup in rng.sample(startups, 12):
            shown = {"challenge_id": challenge, "startup_id": startup["startup_id"],
                     "score": 0.5, "action": "shown", "at": at}  # fmt: skip
            events.append(shown)
            if startup["richness"] > 0.6:
                events.append({**shown, "action": "shortlisted", "at": at + dt.timedelta(hours=1)})
    return events, log


def _store_feedback(ports: Ports, events: list[dict], log: list[dict]) -> None:
    bucket = ports.settings.data_bucket
    by_day: dict[str, list[dict]] = {}
    for event in events:
        by_day.setdefault(event["at"].date().isoformat(), []).append(event)
    schema = pa.schema([("challenge_id", pa.string()), ("startup_id", pa.string()),
                        ("score", pa.float64()), ("action", pa.string()),
                        ("at", pa.timestamp("us", tz="UTC"))])  # fmt: skip
    for day, rows in by_day.items():
        write_partition(ports.objects, bucket, "events/shortlist", day,
                        pa.Table.from_pylist(rows, schema=schema))  # fmt: skip
    write_jsonl(ports.objects, bucket, "events/challenges/date=2025-01-06/part-0.jsonl", log)


@pytest.fixture
def ports(thera_home: Settings) -> Iterator[Ports]:
    with build_ports(thera_home) as built:
        yield built


AS_OF = "2025-02-10T02:00:00Z"


def test_better_model_is_promoted_then_not_replaced_by_an_equal_one(
    ports: Ports, objects: ObjectStore, write_startups
) -> None:
    # GIVEN an index and feedback where teams shortlist startups with rich sites
    startups = _startups()
    write_startups(startups)
    _store_feedback(ports, *_feedback(startups, challenges=40))
    gold = ports.settings.bucket_name("gold")
    # WHEN the trainer runs
    result = handler({"as_of": AS_OF, "min_pairs": 100}, ports=ports)
    # THEN it learns richness, beats the default model on held-out challenges and is promoted
    assert schema_errors(result, "ml_trainer_result") == []
    assert result["status"] == "promoted" and result["promoted"] is True
    assert result["current_version"] == "default"
    assert result["model_version"] == "20250210T020000Z"
    assert result["counts"]["validation_challenges"] == 8
    assert result["metrics"]["candidate"]["roc_auc"] > result["metrics"]["current"]["roc_auc"]
    assert current_model_version(objects, gold) == "20250210T020000Z"
    model = load_model(objects, gold)
    weights = dict(zip(model.feature_names, model.coefficients, strict=True))
    assert max(weights, key=lambda name: abs(weights[name])) == "richness"
    stored = json.loads(objects.get(gold, result["model_key"]))
    assert stored["feature_names"] == list(FEATURE_NAMES)
    assert stored["metrics"]["validation"]["roc_auc"] == result["metrics"]["candidate"]["roc_auc"]
    # AND the matcher now serves it
    matcher = Matcher(objects, index_bucket=gold, refresh_seconds=0)
    assert matcher.run(MatchRequest.build("fraud software")).model_version == "20250210T020000Z"

    # WHEN it runs again a day later on the same feedback
    again = handler({"as_of": "2025-02-11T02:00:00Z", "min_pairs": 100}, ports=ports)
    # THEN the new candidate is no better, so it is written but not promoted
    assert again["status"] == "not_promoted" and again["promoted"] is False
    assert "the current model stays" in again["reason"]
    assert again["current_version"] == "20250210T020000Z"
    assert objects.exists(gold, again["model_key"])
    assert current_model_version(objects, gold) == "20250210T020000Z"


def test_too_little_feedback_changes_nothing(
    ports: Ports, objects: ObjectStore, write_startups
) -> None:
    startups = _startups()
    write_startups(startups)
    _store_feedback(ports, *_feedback(startups, challenges=3))
    result = handler({"as_of": AS_OF}, ports=ports)
    assert result["status"] == "not_enough_feedback" and result["promoted"] is False
    assert "Not enough feedback" in result["reason"]
    assert result["model_key"] is None and result["metrics"] is None
    gold = ports.settings.bucket_name("gold")
    assert current_model_version(objects, gold) is None
    assert not list(objects.iter_objects(gold, "models/"))


def test_no_feedback_needs_no_index(ports: Ports) -> None:
    result = handler({"as_of": AS_OF}, ports=ports)
    assert result["status"] == "not_enough_feedback"
    assert result["counts"]["pairs"] == 0


def test_dry_run_writes_nothing(ports: Ports, objects: ObjectStore, write_startups) -> None:
    startups = _startups()
    write_startups(startups)
    _store_feedback(ports, *_feedback(startups, challenges=40))
    result = handler({"as_of": AS_OF, "min_pairs": 100, "dry_run": True}, ports=ports)
    assert result["status"] == "promoted" and result["model_key"] is None
    assert current_model_version(objects, ports.settings.bucket_name("gold")) is None


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"lookback_days": 0}, "lookback_days: 0 is less than the minimum"),
        ({"as_of": "last tuesday"}, "as_of"),
        ({"validation_fraction": 0.9}, "validation_fraction"),
        ({"model": "xgboost"}, "Additional properties"),
    ],
)
def test_bad_events_are_refused(ports: Ports, event: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        handler(event, ports=ports)
