"""One query against one loaded index: filter, exact top-k, re-rank, explain.

This is the whole of the matcher's scoring, without I/O or embedding, so the benchmark can time
it on synthetic indexes and the trainer and the matcher see the same features.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thera_sdk.match._exact import exact_similarities
from thera_sdk.match._features import FEATURE_NAMES, Challenge, feature_matrix
from thera_sdk.match._index import ServingIndex
from thera_sdk.match._lexical import bm25_for, fuse
from thera_sdk.match._model import MatchModel
from thera_sdk.match._reasons import CompanyFacts, explain
from thera_sdk.match._records import MatchResult
from thera_sdk.match._topk import cosine_scores, exact_top_k

__all__ = ["RERANK_POOL", "Ranking", "rank"]

RERANK_POOL = 300  # the best this many by cosine are re-scored by the model

_INDUSTRY = FEATURE_NAMES.index("industry_match")
_COUNTRY = FEATURE_NAMES.index("country_match")


@dataclass(frozen=True)
class Ranking:
    """The results of :func:`rank` and how many companies passed the filters."""

    results: tuple[MatchResult, ...]
    candidates: int


def rank(
    index: ServingIndex,
    model: MatchModel,
    challenge: Challenge,
    query: np.ndarray,
    *,
    limit: int,
    as_of_year: int,
    pool: int = RERANK_POOL,
) -> Ranking:
    """Score a unit ``query`` vector against ``index`` and return the ``limit`` best matches.

    Companies are filtered by the challenge's industry and country, the ``max(pool, limit)``
    most similar found exactly, re-scored by ``model`` and explained. Order: model score, then
    similarity, then index row (so equal inputs always give equal output).

    Examples
    --------
    >>> ranking = rank(index, DEFAULT_MODEL, Challenge("card fraud"), query,
    ...                limit=20, as_of_year=2025)  # doctest: +SKIP
    >>> [r.startup_id for r in ranking.results][:3]  # doctest: +SKIP
    ['s-0042', 's-0007', 's-1311']
    """
    rows = index.companies.rows_for(challenge.industry, challenge.country)
    candidates = len(index.companies) if rows is None else int(rows.size)
    if candidates == 0:
        return Ranking((), 0)
    similarities = cosine_scores(index.vectors, query, rows)
    best = exact_top_k(similarities, max(pool, limit))
    if getattr(index.embedder, "sparse", None) is not None:
        # Local TF-IDF index: add BM25's best to the pool, score it exactly and fuse.
        lexical = bm25_for(index).scores(challenge.text)
        lexical = lexical if rows is None else lexical[rows]
        best = np.union1d(best, exact_top_k(lexical, max(pool, limit)))
        pool_rows = best if rows is None else rows[best]
        exact = exact_similarities(index, challenge.text, pool_rows)
        assert exact is not None
        pool_similarities = fuse(exact, lexical[best])
    else:
        pool_rows = best if rows is None else rows[best]
        pool_similarities = similarities[best].astype(np.float64)
    features = feature_matrix(
        challenge, index.companies, pool_rows, pool_similarities, as_of_year=as_of_year
    )
    scores = model.predict(features)
    order = np.lexsort((pool_rows, -pool_similarities, -scores))[:limit]
    chosen = pool_rows[order]
    text = index.companies.text(chosen)
    results = []
    for j, position in enumerate(order):
        row, similarity = int(chosen[j]), float(np.clip(pool_similarities[position], -1.0, 1.0))
        facts = CompanyFacts(
            name=text.names[j],
            description=text.descriptions[j],
            keywords=text.keywords[j],
            industry=text.industries[j],
            country=text.countries[j],
            industry_match=bool(features[position, _INDUSTRY]),
            country_match=bool(features[position, _COUNTRY]),
            industry_asked=challenge.industry is not None,
            country_asked=challenge.country is not None,
            richness=float(index.companies.richness[row]),
            health_score=float(index.companies.health_score[row]),
            similarity=similarity,
        )
        results.append(
            MatchResult(
                startup_id=text.startup_ids[j],
                name=text.names[j],
                score=round(float(scores[position]), 6),
                similarity=round(similarity, 6),
                reasons=tuple(explain(challenge.stems, facts)),
            )
        )
    return Ranking(tuple(results), candidates)
