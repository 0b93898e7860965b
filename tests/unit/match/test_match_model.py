"""The model as JSON: round trip, checks, the default model and the current pointer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from thera_sdk import DataFormatError, ValidationError
from thera_sdk.match import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    MatchModel,
    current_model_version,
    load_model,
    model_key,
    save_model,
)
from thera_sdk.storage import LocalObjectStore

BUCKET = "thera-test-gold"


def _trained(version: str = "20250203T101500Z") -> MatchModel:
    return MatchModel(
        feature_names=FEATURE_NAMES,
        coefficients=tuple(float(i) / 10 for i in range(len(FEATURE_NAMES))),
        intercept=-1.25,
        means=tuple(0.5 for _ in FEATURE_NAMES),
        stds=tuple(2.0 for _ in FEATURE_NAMES),
        version=version,
        trained_at="2025-02-03T10:15:00Z",
        metrics={"validation": {"roc_auc": 0.8}},
    )


def test_json_round_trip_keeps_every_number() -> None:
    model = _trained()
    document = json.loads(json.dumps(model.to_json()))
    assert MatchModel.from_json(document) == model
    assert set(document) == {
        "kind", "version", "trained_at", "feature_names", "coefficients", "intercept",
        "scaling", "metrics",
    }  # fmt: skip


def test_store_round_trip_and_pointer(tmp_path: Path) -> None:
    # GIVEN an empty bucket
    store = LocalObjectStore(tmp_path)
    store.create_bucket(BUCKET)
    # THEN the default model serves
    assert current_model_version(store, BUCKET) is None
    assert load_model(store, BUCKET) is DEFAULT_MODEL
    # WHEN a model is saved without promotion THEN it is readable but not current
    key = save_model(store, BUCKET, _trained("v1"))
    assert key == "models/match_lr/v1.json"
    assert load_model(store, BUCKET) is DEFAULT_MODEL
    assert load_model(store, BUCKET, "v1") == _trained("v1")
    # WHEN another is promoted THEN the pointer names it
    save_model(store, BUCKET, _trained("v2"), promote=True)
    assert current_model_version(store, BUCKET) == "v2"
    assert load_model(store, BUCKET) == _trained("v2")
    pointer = json.loads(store.get(BUCKET, "models/match_lr/current.json"))
    assert pointer["key"] == "models/match_lr/v2.json"
    assert not any(info.key.endswith((".pkl", ".pickle")) for info in store.iter_objects(BUCKET))


def test_predict_applies_scaling() -> None:
    model = MatchModel(("cosine", "health"), (2.0, 1.0), 0.5, (0.5, 0.0), (0.25, 1.0), "hand")
    row = np.zeros((1, len(FEATURE_NAMES)))
    row[0, FEATURE_NAMES.index("cosine")] = 0.75
    row[0, FEATURE_NAMES.index("health")] = 1.0
    z = 0.5 + 2.0 * (0.75 - 0.5) / 0.25 + 1.0 * 1.0
    assert model.predict(row)[0] == pytest.approx(1 / (1 + np.exp(-z)))


def test_default_model_favours_similarity() -> None:
    weights = dict(zip(DEFAULT_MODEL.feature_names, DEFAULT_MODEL.coefficients, strict=True))
    assert max(weights, key=lambda name: weights[name]) == "cosine"
    low, high = np.zeros((2, len(FEATURE_NAMES)))[:1], np.zeros((1, len(FEATURE_NAMES)))
    high[0, 0] = 0.6
    assert DEFAULT_MODEL.predict(high)[0] > DEFAULT_MODEL.predict(low)[0]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"kind": "pickle"}, "kind is 'pickle'"),
        ({**_trained().to_json(), "coefficients": [1.0]}, "one coefficient, mean and std"),
        ({**_trained().to_json(), "feature_names": ["cosine", "zodiac", *FEATURE_NAMES[2:]]},
         "unknown or repeated features"),
        ({**_trained().to_json(), "scaling": {"means": [0] * 8, "stds": [0] * 8}}, "std <= 0"),
        ({**_trained().to_json(), "intercept": "NaN"}, "non-finite"),
        ({k: v for k, v in _trained().to_json().items() if k != "intercept"},
         "missing or has a bad"),
    ],
)
def test_bad_model_json_is_refused(document: dict, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        MatchModel.from_json(document)


def test_model_versions_must_be_safe_keys() -> None:
    assert model_key("2025.02-03_a") == "models/match_lr/2025.02-03_a.json"
    for bad in ("", "../x", "current", "a/b"):
        with pytest.raises(ValidationError, match="Model version"):
            model_key(bad)
