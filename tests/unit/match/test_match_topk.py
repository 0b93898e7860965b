"""Exact top-k returns exactly what a full stable sort returns, ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from thera_sdk.match import cosine_scores, exact_top_k

_FINITE = st.floats(-1.0, 1.0, allow_nan=False, width=32)
_TIED = st.sampled_from([-1.0, -0.5, 0.0, 0.25, 0.5, 1.0])  # few values: many ties


@settings(max_examples=200, deadline=None)
@given(
    scores=st.one_of(
        arrays(np.float32, st.integers(0, 300), elements=_FINITE),
        arrays(np.float32, st.integers(0, 300), elements=_TIED),
    ),
    k=st.integers(0, 320),
)
def test_exact_top_k_equals_full_stable_sort(scores: np.ndarray, k: int) -> None:
    expected = np.argsort(-scores, kind="stable")[:k]
    assert exact_top_k(scores, k).tolist() == expected.tolist()


def test_top_k_on_a_matrix_vector_product_matches_full_sort() -> None:
    # GIVEN unit vectors and a unit query
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((5000, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = vectors[123] + 0.1 * vectors[77]
    query /= np.linalg.norm(query)
    # WHEN scoring all rows, or a subset of rows
    scores = cosine_scores(vectors, query, None)
    rows = np.arange(0, 5000, 3)
    subset = cosine_scores(vectors, query, rows)
    # THEN top-k agrees with a full sort of the same scores either way (BLAS may sum a
    # sub-matrix in another order, so subset scores equal the full ones only to rounding)
    assert exact_top_k(scores, 50).tolist() == np.argsort(-scores, kind="stable")[:50].tolist()
    assert exact_top_k(scores, 1).tolist() == [123]
    assert exact_top_k(subset, 50).tolist() == np.argsort(-subset, kind="stable")[:50].tolist()
    np.testing.assert_allclose(subset, scores[rows], atol=1e-6)
