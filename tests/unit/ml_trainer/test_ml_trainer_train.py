"""One training run without storage: features from the matcher's module, skips and shortages."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa

from tasks.ml_trainer import ChallengeInfo, TrainerConfig, pair_features, train
from tasks.ml_trainer.logic import Pair
from thera_sdk.embed import LocalConfig, LocalEmbedder
from thera_sdk.match import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    Challenge,
    CompanyTable,
    ServingIndex,
    feature_matrix,
)

ROWS = [
    {"startup_id": "s1", "name": "Acme", "description": "Card fraud scoring for banks.",
     "industry": "Fintech", "richness": 0.9, "founded_year": 2015},
    {"startup_id": "s2", "name": "Bolt", "description": "Clinic appointment scheduling.",
     "industry": "Health", "richness": 0.1, "founded_year": 2020},
]  # fmt: skip
AT = dt.datetime(2025, 2, 3, tzinfo=dt.UTC)


def _index() -> ServingIndex:
    texts = [str(row["description"]) for row in ROWS]
    embedder = LocalEmbedder.fit(texts, LocalConfig(dim=64))
    vectors = embedder.embed(texts).vectors
    return ServingIndex("v1", vectors, CompanyTable(pa.Table.from_pylist(ROWS)), embedder)


def test_pair_features_are_the_matchers_features() -> None:
    # GIVEN two pairs of one challenge, one of them about a startup gone from the index
    index = _index()
    infos = {"c1": ChallengeInfo("card fraud at checkout", industry="Fintech")}
    pairs = [Pair("c1", "s1", 1, AT), Pair("c1", "gone", 0, AT), Pair("c9", "s2", 0, AT)]
    # WHEN featurised for training
    x, y, groups, kept = pair_features(pairs, infos, index)
    # THEN only the known pair remains, with exactly what the matcher computes for it
    assert kept == [pairs[0]] and y.tolist() == [1] and groups == ["c1"]
    query = index.embed_query("card fraud at checkout")
    expected = feature_matrix(
        Challenge("card fraud at checkout", "Fintech"), index.companies, np.array([0]),
        index.vectors[[0]] @ query, as_of_year=2025,
    )  # fmt: skip
    np.testing.assert_allclose(x, expected)
    assert x.shape == (1, len(FEATURE_NAMES))


def test_shortages_are_reported_without_a_model() -> None:
    events = [
        {"challenge_id": f"c{c}", "startup_id": s, "action": "shown",
         "at": (AT + dt.timedelta(days=c)).isoformat()}
        for c in range(6) for s in ("s1", "s2")
    ] + [
        {"challenge_id": f"c{c}", "startup_id": "s1", "action": "shortlisted",
         "at": (AT + dt.timedelta(days=c)).isoformat()}
        for c in range(6)
    ]  # fmt: skip
    infos = {f"c{c}": ChallengeInfo("card fraud") for c in range(6)}
    config = TrainerConfig(min_pairs=5, min_positives=10, min_negatives=2)
    outcome = train(events, infos, _index, DEFAULT_MODEL, config=config, now=AT)
    assert outcome.status == "not_enough_feedback" and outcome.candidate is None
    assert "6 shortlisted training pairs (need 10)" not in outcome.reason  # 5 train, 1 held out
    assert "5 shortlisted training pairs (need 10)" in outcome.reason
    assert "validation challenges (need 3)" in outcome.reason
    assert outcome.counts["pairs"] == 12 and outcome.counts["validation_challenges"] == 1


def test_too_few_pairs_never_touch_the_index() -> None:
    def no_index() -> ServingIndex:
        raise AssertionError("the index must not be loaded")

    outcome = train([], {}, no_index, DEFAULT_MODEL, config=TrainerConfig(), now=AT)
    assert outcome.status == "not_enough_feedback"
    assert outcome.reason.startswith("Not enough feedback: 0 labelled pairs (need 200)")
