"""BM25 over the index's company texts, fused with the exact cosine for local indexes.

With the local (TF-IDF) embedder, cosine alone over-rewards short documents that share a term
or two with the challenge; BM25's length normalisation and term saturation do not. Fusing the
two, each scaled to its best value in the candidate pool, ranks better than either on our
evaluations (``benchmarks/relevance.py``), including with thousands of look-alike startups.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import numpy as np

K1, B = 1.5, 0.75
_TOKENS = r"[a-z0-9]+"


class Bm25:
    """Okapi BM25 weights of every company, as one sparse matrix (rows = index rows)."""

    def __init__(self, texts: list[str]) -> None:
        # scikit-learn loads only when a local index is first queried, not at import
        from sklearn.feature_extraction.text import CountVectorizer

        self.vectorizer = CountVectorizer(token_pattern=_TOKENS, lowercase=True)
        counts = self.vectorizer.fit_transform(texts).tocsr().astype(np.float64)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        average = float(lengths.mean()) if lengths.size else 1.0
        frequency = np.bincount(counts.indices, minlength=counts.shape[1])
        n = counts.shape[0]
        idf = np.log(1.0 + (n - frequency + 0.5) / (frequency + 0.5))
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))
        tf = counts.data
        counts.data = idf[counts.indices] * tf * (K1 + 1) / (
            tf + K1 * (1 - B + B * lengths[rows] / (average or 1.0))
        )
        self.weights = counts  # scipy.sparse CSR: one row per company

    def scores(self, text: str) -> np.ndarray:
        query = self.vectorizer.transform([text])
        query.data[:] = 1.0  # each query word counts once
        return np.asarray((self.weights @ query.T).todense()).ravel()


_indexes: OrderedDict[tuple[str, int], Bm25] = OrderedDict()
_KEEP = 4
_lock = threading.Lock()


def bm25_for(index: Any) -> Bm25:
    """The BM25 matrix of a loaded index, built once per index."""
    key = (str(index.version), id(index))
    with _lock:
        found = _indexes.get(key)
        if found is not None:
            _indexes.move_to_end(key)
            return found
    table = index.companies
    text = table.text(range(len(table)))
    bm25 = Bm25(
        [
            " ".join([text.names[i], text.industries[i], text.descriptions[i],
                      " ".join(text.keywords[i])])
            for i in range(len(table))
        ]
    )
    with _lock:
        _indexes[key] = bm25
        while len(_indexes) > _KEEP:
            _indexes.popitem(last=False)
    return bm25


def fuse(exact: np.ndarray, lexical: np.ndarray) -> np.ndarray:
    """Equal parts exact cosine and BM25, each scaled to its best in the pool: 0 to 1."""
    top_exact, top_lexical = float(exact.max(initial=0.0)), float(lexical.max(initial=0.0))
    left = exact / top_exact if top_exact > 0 else np.zeros_like(exact)
    right = lexical / top_lexical if top_lexical > 0 else np.zeros_like(lexical)
    return (left + right) / 2
