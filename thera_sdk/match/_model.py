"""The re-ranking model: logistic regression kept as plain JSON numbers, never a pickle.

``score = sigmoid(intercept + sum(coef_i * (x_i - mean_i) / std_i))`` over the features named
in the model. A model JSON object has these keys::

    {"kind": "logistic_regression", "version": "20250203T101500Z",
     "trained_at": "2025-02-03T10:15:00Z", "feature_names": [...], "coefficients": [...],
     "intercept": -3.0, "scaling": {"means": [...], "stds": [...]}, "metrics": {...}}

:data:`DEFAULT_MODEL` serves until a trained model is promoted. Its weights are set by hand to
favour similarity: ``cosine`` carries most of the weight (10 per unit of cosine), keyword
overlap adds up to 1.5, an industry or country match 0.3 each, a healthy, rich site up to 0.2
each; size and age are neutral. Its intercept (-3) puts a cosine of 0.3, a good match for the
local TF-IDF embedder, at a score of 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from thera_sdk._exceptions import DataFormatError
from thera_sdk.match._features import FEATURE_NAMES

__all__ = ["DEFAULT_MODEL", "MODEL_KIND", "MatchModel"]

MODEL_KIND = "logistic_regression"


@dataclass(frozen=True)
class MatchModel:
    """A logistic-regression scorer over named features, with its standardisation.

    Examples
    --------
    >>> model = MatchModel(("cosine",), (4.0,), -2.0, (0.0,), (1.0,), version="hand")
    >>> round(float(model.predict(np.array([[0.5]]))[0]), 3)
    0.5
    """

    feature_names: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    means: tuple[float, ...]
    stds: tuple[float, ...]
    version: str
    trained_at: str | None = None
    metrics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        size = len(self.feature_names)
        if not size or any(
            len(part) != size for part in (self.coefficients, self.means, self.stds)
        ):
            raise DataFormatError(
                f"Model {self.version!r} needs one coefficient, mean and std per feature "
                f"({size} features); retrain or fix the model JSON."
            )
        unknown = sorted(set(self.feature_names) - set(FEATURE_NAMES))
        if unknown or len(set(self.feature_names)) != size:
            raise DataFormatError(
                f"Model {self.version!r} names unknown or repeated features {unknown}; "
                f"features are {list(FEATURE_NAMES)}. Retrain the model."
            )
        numbers = [*self.coefficients, *self.means, *self.stds, self.intercept]
        if not all(math.isfinite(value) for value in numbers) or min(self.stds) <= 0:
            raise DataFormatError(
                f"Model {self.version!r} has a non-finite number or a std <= 0; retrain it."
            )

    def decision(self, features: np.ndarray) -> np.ndarray:
        """The linear score (log-odds) of rows laid out as :data:`FEATURE_NAMES`."""
        columns = [FEATURE_NAMES.index(name) for name in self.feature_names]
        x = np.asarray(features, dtype=np.float64)[:, columns]
        scaled = (x - np.asarray(self.means)) / np.asarray(self.stds)
        return scaled @ np.asarray(self.coefficients) + self.intercept

    def predict(self, features: np.ndarray) -> np.ndarray:
        """The probability of a good match for rows laid out as :data:`FEATURE_NAMES`."""
        z = np.clip(self.decision(features), -500.0, 500.0)
        return 1.0 / (1.0 + np.exp(-z))

    def to_json(self) -> dict[str, Any]:
        """The model as a JSON-ready dict (see the module docstring for the keys).

        Examples
        --------
        >>> MatchModel.from_json(DEFAULT_MODEL.to_json()) == DEFAULT_MODEL
        True
        """
        return {
            "kind": MODEL_KIND,
            "version": self.version,
            "trained_at": self.trained_at,
            "feature_names": list(self.feature_names),
            "coefficients": [float(v) for v in self.coefficients],
            "intercept": float(self.intercept),
            "scaling": {
                "means": [float(v) for v in self.means],
                "stds": [float(v) for v in self.stds],
            },
            "metrics": dict(self.metrics),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> MatchModel:
        """Build a model from its JSON dict; :class:`DataFormatError` says what is wrong.

        Examples
        --------
        >>> MatchModel.from_json({"kind": "svm"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        thera_sdk._exceptions.DataFormatError: Model JSON kind is 'svm', ...
        """
        kind = document.get("kind") if isinstance(document, Mapping) else None
        if kind != MODEL_KIND:
            raise DataFormatError(
                f"Model JSON kind is {kind!r}, expected {MODEL_KIND!r}; "
                "write models with save_model()."
            )
        try:
            scaling = document["scaling"]
            return cls(
                feature_names=tuple(str(name) for name in document["feature_names"]),
                coefficients=tuple(float(v) for v in document["coefficients"]),
                intercept=float(document["intercept"]),
                means=tuple(float(v) for v in scaling["means"]),
                stds=tuple(float(v) for v in scaling["stds"]),
                version=str(document["version"]),
                trained_at=document.get("trained_at"),
                metrics=dict(document.get("metrics") or {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DataFormatError(
                f"Model JSON is missing or has a bad field ({exc!r}); write models with "
                "save_model()."
            ) from exc


_DEFAULT_WEIGHTS = {
    "cosine": 10.0,
    "industry_match": 0.3,
    "country_match": 0.3,
    "keyword_overlap": 1.5,
    "richness": 0.2,
    "health": 0.2,
    "log_employees": 0.0,
    "age_years": 0.0,
}

DEFAULT_MODEL = MatchModel(
    feature_names=FEATURE_NAMES,
    coefficients=tuple(_DEFAULT_WEIGHTS[name] for name in FEATURE_NAMES),
    intercept=-3.0,
    means=tuple(0.0 for _ in FEATURE_NAMES),
    stds=tuple(1.0 for _ in FEATURE_NAMES),
    version="default",
    trained_at=None,
    metrics={"note": "hand-set weights favouring similarity; no training data"},
)
