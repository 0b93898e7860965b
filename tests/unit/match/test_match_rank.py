"""One query against an in-memory index: filters, order, re-ranking and reasons."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from thera_sdk.match import (
    DEFAULT_MODEL,
    FEATURE_NAMES,
    Challenge,
    MatchModel,
    ServingIndex,
    exact_top_k,
    rank,
)


def _query(index: ServingIndex, weights: dict[int, float]) -> np.ndarray:
    query = np.zeros(index.dimension, dtype=np.float32)
    for row, weight in weights.items():
        query += weight * index.vectors[row]
    return query / np.linalg.norm(query)


def _ids(index: ServingIndex, challenge: Challenge, query: np.ndarray) -> list[str]:
    ranking = rank(index, DEFAULT_MODEL, challenge, query, as_of_year=2025, limit=20)
    return [r.startup_id for r in ranking.results]


def test_filters_are_case_insensitive_and_unknown_values_give_nothing(
    make_index: Callable[..., ServingIndex],
) -> None:
    index = make_index()
    query = _query(index, {0: 1.0, 1: 0.5, 2: 0.4, 3: 0.3})
    assert _ids(index, Challenge("fraud", industry="FINTECH"), query) == ["s-fraud", "s-ledger"]
    assert _ids(index, Challenge("fraud", country="germany"), query) == ["s-fraud", "s-clinic"]
    assert _ids(index, Challenge("fraud", industry="fintech", country="France"), query) == [
        "s-ledger"
    ]
    empty = rank(
        index, DEFAULT_MODEL, Challenge("fraud", industry="Space mining"), query,
        limit=20, as_of_year=2025,
    )  # fmt: skip
    assert empty.results == () and empty.candidates == 0


def test_without_filters_every_company_is_a_candidate(
    make_index: Callable[..., ServingIndex],
) -> None:
    index = make_index()
    query = _query(index, {3: 1.0, 0: 0.2})
    ranking = rank(index, DEFAULT_MODEL, Challenge("tracking"), query, limit=2, as_of_year=2025)
    assert ranking.candidates == 4
    assert [r.startup_id for r in ranking.results] == ["s-cargo", "s-fraud"]
    best = ranking.results[0]
    assert best.similarity == pytest.approx(1 / np.sqrt(1.04), abs=1e-6)
    assert 0.0 < best.score < 1.0


def test_reasons_quote_the_description_and_name_the_matches(
    make_index: Callable[..., ServingIndex],
) -> None:
    # GIVEN a fraud challenge filtered to Fintech
    index = make_index()
    challenge = Challenge(
        "Our regional bank loses money to card-not-present fraud. We need real-time scoring "
        "of every transaction.",
        industry="fintech",
    )
    # WHEN it is ranked
    ranking = rank(index, DEFAULT_MODEL, challenge, _query(index, {0: 1.0}), limit=1,
                   as_of_year=2025)  # fmt: skip
    # THEN the reasons are readable and specific
    assert ranking.results[0].reasons == (
        "describes real-time transaction fraud scoring for card issuers",
        "industry Fintech matches",
        "site healthy, rich content",
    )


def test_a_company_without_shared_words_is_explained_by_similarity(
    make_index: Callable[..., ServingIndex],
) -> None:
    index = make_index()
    ranking = rank(index, DEFAULT_MODEL, Challenge("astronaut food"), _query(index, {2: 1.0}),
                   limit=1, as_of_year=2025)  # fmt: skip
    assert ranking.results[0].reasons == ("close in meaning to the challenge (similarity 1.00)",)


def test_the_model_re_ranks_the_pool(make_index: Callable[..., ServingIndex]) -> None:
    # GIVEN a model that only values domain health
    index = make_index()
    health_only = MatchModel(
        ("health",), (5.0,), 0.0, (0.0,), (1.0,), version="health-only"
    )
    query = _query(index, {3: 1.0, 0: 0.5})  # cargo most similar, acme (healthiest) second
    # WHEN ranked with a pool that holds both THEN health decides
    ranked = rank(index, health_only, Challenge("fraud"), query, limit=2, as_of_year=2025)
    assert [r.startup_id for r in ranked.results] == ["s-fraud", "s-ledger"]
    # AND with a pool of one only the most similar is seen
    narrow = rank(index, health_only, Challenge("fraud"), query, limit=1, pool=1,
                  as_of_year=2025)  # fmt: skip
    assert [r.startup_id for r in narrow.results] == ["s-cargo"]


def test_ranking_large_random_index_keeps_exact_pool(
    make_index: Callable[..., ServingIndex],
) -> None:
    # GIVEN 2,000 companies with random vectors and a model that is pure cosine
    rng = np.random.default_rng(3)
    rows = [
        {"startup_id": f"s{i}", "name": f"Co {i}", "description": "", "industry": "X"}
        for i in range(2000)
    ]
    index = make_index(rows, rng.standard_normal((2000, 32)))
    cosine_only = MatchModel(("cosine",), (1.0,), 0.0, (0.0,), (1.0,), version="cos")
    query = _query(index, {5: 1.0, 9: 0.7})
    # WHEN ranked THEN the order is the exact full sort of cosine
    ranking = rank(index, cosine_only, Challenge("x"), query, limit=50, as_of_year=2025)
    expected = np.argsort(-(index.vectors @ query), kind="stable")[:50]
    assert [r.startup_id for r in ranking.results] == [f"s{i}" for i in expected]
    assert exact_top_k(index.vectors @ query, 50).tolist() == expected.tolist()
    assert len(FEATURE_NAMES) == 8
