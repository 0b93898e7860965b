"""Retrieval quality of the local embedder against BM25, on the bundled evaluation set.

``data/companies.jsonl`` holds 96 short company descriptions across 12 industries and
``data/challenges.jsonl`` 18 challenges written the way corporate teams write them (the problem,
not the product), each with graded relevance labels (2: solves it, 1: related). The labels were
written with the data, before the embedder was tuned.

The baseline is plain Okapi BM25 (k1=1.5, b=0.75, lower-cased word tokens, no stemming or
stopwords), implemented here, over the same document text. Both rankings are scored with
nDCG@20; the numbers are printed (``pytest -s``) as well as asserted.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from thera_sdk.embed import LocalEmbedder, build_document

DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"\w+")


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line]


def ndcg_at(ranked: list[str], relevant: dict[str, int], k: int = 20) -> float:
    """Normalised discounted cumulative gain with gains ``2**grade - 1``."""
    dcg = sum((2 ** relevant.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(relevant.values(), reverse=True)[:k]
    return dcg / sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))


class BM25:
    """Okapi BM25 over lower-cased word tokens."""

    def __init__(self, docs: list[str], k1: float = 1.5, b: float = 0.75) -> None:
        self.tfs = [Counter(_TOKEN.findall(d.lower())) for d in docs]
        self.lengths = [sum(tf.values()) for tf in self.tfs]
        self.avg = sum(self.lengths) / len(docs)
        df = Counter(term for tf in self.tfs for term in tf)
        n = len(docs)
        self.idf = {t: math.log((n - c + 0.5) / (c + 0.5) + 1.0) for t, c in df.items()}
        self.k1, self.b = k1, b

    def scores(self, query: str) -> np.ndarray:
        terms = _TOKEN.findall(query.lower())
        out = np.zeros(len(self.tfs))
        for i, (tf, length) in enumerate(zip(self.tfs, self.lengths, strict=True)):
            norm = self.k1 * (1 - self.b + self.b * length / self.avg)
            out[i] = sum(
                self.idf[t] * tf[t] * (self.k1 + 1) / (tf[t] + norm) for t in terms if t in tf
            )
        return out


def _mean_ndcg(scores: list[np.ndarray], ids: list[str], challenges: list[dict]) -> float:
    values = []
    for score, challenge in zip(scores, challenges, strict=True):
        order = np.argsort(-score, kind="stable")
        values.append(ndcg_at([ids[i] for i in order], challenge["relevant"]))
    return float(np.mean(values))


@pytest.fixture(scope="module")
def evaluation() -> dict[str, float]:
    companies, challenges = _load("companies.jsonl"), _load("challenges.jsonl")
    ids = [c["id"] for c in companies]
    texts = [build_document(c).text for c in companies]
    queries = [c["text"] for c in challenges]
    bm25 = BM25(texts)
    embedder = LocalEmbedder.fit(texts)
    vectors = embedder.embed(texts).vectors
    query_vectors = embedder.embed(queries).vectors
    results = {
        "bm25": _mean_ndcg([bm25.scores(q) for q in queries], ids, challenges),
        "local": _mean_ndcg([vectors @ q for q in query_vectors], ids, challenges),
        "local_exact": _mean_ndcg(
            [embedder.similarity(q, texts) for q in queries], ids, challenges
        ),
    }
    print(f"\nnDCG@20 over {len(challenges)} challenges, {len(ids)} companies: {results}")
    return results


def test_evaluation_set_is_as_described() -> None:
    companies, challenges = _load("companies.jsonl"), _load("challenges.jsonl")
    assert len(companies) >= 60 and len({c["industry"] for c in companies}) >= 12
    assert len(challenges) >= 15
    ids = {c["id"] for c in companies}
    assert all(set(ch["relevant"]) <= ids and 2 in ch["relevant"].values() for ch in challenges)


def test_local_embedder_beats_bm25_on_ndcg_at_20(evaluation: dict[str, float]) -> None:
    assert evaluation["local"] > evaluation["bm25"]


def test_exact_rescoring_is_at_least_as_good_as_the_projection(
    evaluation: dict[str, float],
) -> None:
    assert evaluation["local_exact"] > evaluation["bm25"]
    assert evaluation["local_exact"] >= evaluation["local"] - 0.01
