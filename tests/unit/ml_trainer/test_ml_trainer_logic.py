"""Labelling, the time split, metrics and the promotion rule of the model trainer."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import tasks.ml_trainer as trainer_package
from tasks.ml_trainer import (
    Metrics,
    Pair,
    challenge_infos,
    decide,
    evaluate,
    fit_model,
    label_pairs,
    parse_time,
    split_by_time,
)
from thera_sdk.match import DEFAULT_MODEL, FEATURE_NAMES


def _day(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2025, 2, day, hour, tzinfo=dt.UTC)


def test_labels_positive_when_shortlisted_negative_when_only_shown() -> None:
    events: list[dict[str, object]] = [
        {"challenge_id": "c1", "startup_id": "s1", "action": "shown", "at": "2025-02-03T10:00:00Z"},
        {"challenge_id": "c1", "startup_id": "s1", "action": "shortlisted", "at": _day(4)},
        {"challenge_id": "c1", "startup_id": "s2", "action": "shown", "at": "2025-02-03T10:00Z"},
        {"challenge_id": "c1", "startup_id": "s2", "action": "shown", "at": "2025-02-02T09:00Z"},
        {"challenge_id": "c1", "startup_id": "s3", "action": "contacted", "at": _day(5)},
        {"challenge_id": "c2", "startup_id": "s1", "action": "shortlisted", "at": _day(6)},
        {"challenge_id": None, "startup_id": "s1", "action": "shown", "at": _day(6)},
        {"challenge_id": "c2", "startup_id": "s4", "action": "shown", "at": "yesterday"},
    ]
    pairs, unusable = label_pairs(events)
    assert unusable == 2
    assert pairs == [
        Pair("c1", "s1", 1, _day(3, 10)),
        Pair("c1", "s2", 0, _day(2, 9)),  # dated by its earliest event
        Pair("c2", "s1", 1, _day(6)),
    ]


def test_parse_time_accepts_iso_text_and_datetimes() -> None:
    assert parse_time("2025-02-03") == _day(3)
    assert parse_time(dt.datetime(2025, 2, 3)) == _day(3)
    assert parse_time("2025-02-03T01:00:00+01:00") == _day(3)
    assert parse_time(12) is None


def test_split_keeps_challenges_whole_and_validates_on_the_latest() -> None:
    pairs = [
        Pair(f"c{c}", f"s{s}", s % 2, _day(1 + c, s)) for c in range(10) for s in range(3)
    ]
    train, valid = split_by_time(pairs, 0.2)
    assert {p.challenge_id for p in valid} == {"c8", "c9"}
    assert {p.challenge_id for p in train} == {f"c{c}" for c in range(8)}
    assert max(p.at for p in train) < min(p.at for p in valid)
    assert split_by_time(pairs[:3], 0.2) == (pairs[:3], [])  # one challenge: nothing to hold out


def test_challenge_text_comes_from_the_log_or_the_event() -> None:
    infos = challenge_infos(
        [{"challenge_id": "c1", "text": "card fraud", "industry": "Fintech", "country": None},
         {"challenge_id": "c2", "text": "  "}],
        [{"challenge_id": "c3", "challenge_text": "port customs", "country": "Netherlands"}],
    )  # fmt: skip
    assert infos["c1"].text == "card fraud" and infos["c1"].industry == "Fintech"
    assert "c2" not in infos
    assert infos["c3"].country == "Netherlands"


def test_fit_evaluate_and_precision_at_k() -> None:
    # GIVEN pairs whose label follows keyword overlap
    rng = np.random.default_rng(0)
    x = rng.random((400, len(FEATURE_NAMES)))
    y = (x[:, FEATURE_NAMES.index("keyword_overlap")] + 0.1 * rng.random(400) > 0.55).astype(int)
    groups = [f"c{i // 40}" for i in range(400)]
    # WHEN a model is fitted
    model = fit_model(x[:300], y[:300], version="v1", trained_at="2025-02-03T00:00:00Z")
    # THEN it learns that overlap matters and beats the default model on held-out pairs
    weights = dict(zip(model.feature_names, model.coefficients, strict=True))
    assert max(weights, key=lambda name: abs(weights[name])) == "keyword_overlap"
    new = evaluate(model, x[300:], y[300:], groups[300:])
    old = evaluate(DEFAULT_MODEL, x[300:], y[300:], groups[300:])
    assert new.roc_auc > 0.95 > old.roc_auc
    assert 0.0 <= new.precision_at_k <= 1.0
    assert decide(new, old, 0.005)[0]


def test_precision_at_k_uses_the_top_k_of_each_challenge() -> None:
    x = np.zeros((6, len(FEATURE_NAMES)))
    x[:, 0] = [0.9, 0.8, 0.1, 0.9, 0.2, 0.1]
    labels = np.array([1, 0, 0, 0, 0, 1])
    metrics = evaluate(DEFAULT_MODEL, x, labels, ["a", "a", "a", "b", "b", "b"], k=1)
    assert metrics.precision_at_k == 0.5  # a: best is positive; b: best is negative
    assert metrics.to_json() == {
        "roc_auc": pytest.approx(metrics.roc_auc, abs=1e-6),
        "log_loss": pytest.approx(metrics.log_loss, abs=1e-6),
        "precision_at_1": 0.5,
    }


@pytest.mark.parametrize(
    ("candidate", "current", "promote", "why"),
    [
        (Metrics(0.80, 0.40, 0.3), Metrics(0.70, 0.60, 0.2), True, "beats"),
        (Metrics(0.702, 0.40, 0.3), Metrics(0.70, 0.60, 0.2), False, "below the required"),
        (Metrics(0.80, 0.70, 0.3), Metrics(0.70, 0.60, 0.2), False, "log loss worsens"),
        (Metrics(0.70, 0.40, 0.3), Metrics(0.70, 0.40, 0.3), False, "below the required"),
    ],
)
def test_promotion_needs_better_auc_and_no_worse_log_loss(
    candidate: Metrics, current: Metrics, promote: bool, why: str
) -> None:
    decision, reason = decide(candidate, current, 0.005)
    assert decision is promote
    assert why in reason


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(trainer_package) if not name.startswith("_")}
    modules = {n for n in public if type(getattr(trainer_package, n)).__name__ == "module"}
    assert set(trainer_package.__all__) == public - modules
