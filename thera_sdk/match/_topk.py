"""Exact top-k over cosine scores, in linear time, with the order a full stable sort gives.

``np.argpartition`` finds the k best in O(n) but picks arbitrarily among values tied with the
k-th; to return exactly what ``np.argsort(-scores, kind="stable")[:k]`` returns, ties at the
boundary are settled by position (lowest first), then the k winners are sorted.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cosine_scores", "exact_top_k"]


def exact_top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first, ties in position order.

    Identical to ``np.argsort(-scores, kind="stable")[:k]`` for scores without NaN, in
    O(n + k log k) instead of O(n log n).

    Examples
    --------
    >>> exact_top_k(np.array([0.2, 0.9, 0.5, 0.9], dtype=np.float32), 3).tolist()
    [1, 3, 2]
    """
    scores = np.asarray(scores)
    n = scores.shape[0]
    k = min(int(k), n)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k == n:
        return np.argsort(-scores, kind="stable").astype(np.int64, copy=False)
    negated = -scores
    best = np.argpartition(negated, k - 1)[:k]
    threshold = scores[best].min()  # the k-th highest value
    above = best[scores[best] > threshold]  # every value above the k-th is among `best`
    ties = np.flatnonzero(scores == threshold)[: k - above.size]
    chosen = np.concatenate([above, ties]).astype(np.int64, copy=False)
    order = np.lexsort((chosen, negated[chosen]))
    return chosen[order]


def cosine_scores(vectors: np.ndarray, query: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
    """Cosine similarity of a unit ``query`` with unit ``vectors`` (all, or only ``rows``).

    Examples
    --------
    >>> vectors = np.eye(3, dtype=np.float32)
    >>> cosine_scores(vectors, np.array([0, 1, 0], np.float32), np.array([1, 2])).tolist()
    [1.0, 0.0]
    """
    if rows is None or rows.size == vectors.shape[0]:
        return vectors @ query
    return vectors[rows] @ query
