"""The features shared by the matcher and the trainer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from thera_sdk.match import (
    FEATURE_NAMES,
    Challenge,
    ServingIndex,
    feature_matrix,
    label_matches,
    overlap,
)


def _column(name: str) -> int:
    return FEATURE_NAMES.index(name)


def test_feature_names_are_the_documented_eight() -> None:
    assert FEATURE_NAMES == (
        "cosine", "industry_match", "country_match", "keyword_overlap",
        "richness", "health", "log_employees", "age_years",
    )  # fmt: skip


def test_features_of_a_full_profile(make_index: Callable[..., ServingIndex]) -> None:
    # GIVEN a company with every column filled and a Fintech challenge
    index = make_index()
    challenge = Challenge("real-time card fraud scoring for our bank", industry="FINTECH")
    # WHEN its features are computed in 2025
    row = feature_matrix(
        challenge, index.companies, np.array([0]), np.array([0.42]), as_of_year=2025
    )[0]
    # THEN each has its documented value
    assert row[_column("cosine")] == pytest.approx(0.42)
    assert row[_column("industry_match")] == 1.0
    assert row[_column("country_match")] == 0.0  # no country asked, none named in the text
    # challenge words: real, tim, card, fraud, scor, bank; all but "bank" are in the profile
    assert row[_column("keyword_overlap")] == pytest.approx(5 / 6)
    assert row[_column("richness")] == pytest.approx(0.8)
    assert row[_column("health")] == pytest.approx(0.92)
    assert row[_column("log_employees")] == pytest.approx(np.log1p(40))
    assert row[_column("age_years")] == 6.0


def test_missing_values_count_as_zero(make_index: Callable[..., ServingIndex]) -> None:
    index = make_index()
    row = feature_matrix(
        Challenge("clinic appointments"), index.companies, np.array([2]), np.array([0.1]),
        as_of_year=2025,
    )[0]  # fmt: skip
    assert row[_column("keyword_overlap")] == 1.0
    for name in ("richness", "health", "log_employees", "age_years"):
        assert row[_column(name)] == 0.0


def test_country_named_in_the_text_matches_without_a_filter(
    make_index: Callable[..., ServingIndex],
) -> None:
    index = make_index()
    rows = np.array([0, 1, 3])
    matrix = feature_matrix(
        Challenge("customs fraud for a port in the Netherlands"), index.companies, rows,
        np.zeros(3), as_of_year=2025,
    )  # fmt: skip
    assert matrix[:, _column("country_match")].tolist() == [0.0, 0.0, 1.0]


def test_label_and_overlap_helpers() -> None:
    assert label_matches("fintech", frozenset(), "FinTech")
    assert not label_matches("health", frozenset({"fintech"}), "Fintech")
    assert label_matches(None, frozenset({"fintech"}), "Fintech")
    assert not label_matches(None, frozenset({"fintech"}), "")
    assert overlap(frozenset(), frozenset({"a"})) == 0.0
    assert overlap(frozenset({"a", "b"}), frozenset({"b", "c"})) == 0.5


def test_empty_row_set_gives_an_empty_matrix(make_index: Callable[..., ServingIndex]) -> None:
    matrix = feature_matrix(
        Challenge("x"), make_index().companies, np.array([], dtype=np.int64), np.array([]),
        as_of_year=2025,
    )  # fmt: skip
    assert matrix.shape == (0, len(FEATURE_NAMES))
