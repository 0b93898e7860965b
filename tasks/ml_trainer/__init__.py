"""The model trainer task: weekly logistic regression on shortlist feedback.

``handler`` is the Lambda entry point; labelling, features, the time split, metrics and the
promotion rule are pure functions in ``logic`` (its module docstring states them). Features come
from :mod:`thera_sdk.match`, the same code the matcher scores with.
"""

from tasks.ml_trainer.handler import handler, result_json
from tasks.ml_trainer.logic import (
    NEGATIVE_ACTION,
    POSITIVE_ACTION,
    ChallengeInfo,
    Metrics,
    Pair,
    TrainerConfig,
    TrainingOutcome,
    challenge_infos,
    decide,
    evaluate,
    fit_model,
    label_pairs,
    pair_features,
    parse_time,
    split_by_time,
    train,
)

__all__ = [
    "NEGATIVE_ACTION",
    "POSITIVE_ACTION",
    "ChallengeInfo",
    "Metrics",
    "Pair",
    "TrainerConfig",
    "TrainingOutcome",
    "challenge_infos",
    "decide",
    "evaluate",
    "fit_model",
    "handler",
    "label_pairs",
    "pair_features",
    "parse_time",
    "result_json",
    "split_by_time",
    "train",
]
