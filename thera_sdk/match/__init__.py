"""Matching challenges to startups: the matcher index served from memory, re-ranked and explained.

:func:`match` answers a challenge. Underneath, the pieces are usable on their own: the features
shared with the model trainer (:func:`feature_matrix`), exact top-k (:func:`exact_top_k`), the
model as JSON (:class:`MatchModel`, :func:`save_model`, :func:`load_model`) and the reasons.
"""

from thera_sdk.match._cache import DEFAULT_REFRESH_SECONDS, VersionedCache
from thera_sdk.match._companies import META_COLUMNS, CompanyTable, CompanyText
from thera_sdk.match._features import (
    FEATURE_NAMES,
    Challenge,
    feature_matrix,
    label_matches,
    overlap,
)
from thera_sdk.match._index import (
    INDEX_POINTER_KEY,
    Embedder,
    IndexNotFoundError,
    ServingIndex,
    current_index_version,
    load_index,
)
from thera_sdk.match._matcher import INDEX_BUCKET, MODEL_BUCKET, Matcher, default_matcher, match
from thera_sdk.match._model import DEFAULT_MODEL, MatchModel
from thera_sdk.match._model_store import (
    MODEL_PREFIX,
    current_model_version,
    load_model,
    model_key,
    save_model,
)
from thera_sdk.match._rank import RERANK_POOL, Ranking, rank
from thera_sdk.match._reasons import CompanyFacts, describe, explain
from thera_sdk.match._records import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MatchRequest,
    MatchResponse,
    MatchResult,
)
from thera_sdk.match._schemas import load_schema, schema_errors, validate_event
from thera_sdk.match._text import (
    MAX_TEXT_CHARS,
    check_challenge_text,
    check_filter_value,
    content_stems,
)
from thera_sdk.match._topk import cosine_scores, exact_top_k

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_MODEL",
    "DEFAULT_REFRESH_SECONDS",
    "FEATURE_NAMES",
    "INDEX_BUCKET",
    "INDEX_POINTER_KEY",
    "MAX_LIMIT",
    "MAX_TEXT_CHARS",
    "META_COLUMNS",
    "MODEL_BUCKET",
    "MODEL_PREFIX",
    "RERANK_POOL",
    "Challenge",
    "CompanyFacts",
    "CompanyTable",
    "CompanyText",
    "Embedder",
    "IndexNotFoundError",
    "MatchModel",
    "MatchRequest",
    "MatchResponse",
    "MatchResult",
    "Matcher",
    "Ranking",
    "ServingIndex",
    "VersionedCache",
    "check_challenge_text",
    "check_filter_value",
    "content_stems",
    "cosine_scores",
    "current_index_version",
    "current_model_version",
    "default_matcher",
    "describe",
    "exact_top_k",
    "explain",
    "feature_matrix",
    "label_matches",
    "load_index",
    "load_model",
    "load_schema",
    "match",
    "model_key",
    "overlap",
    "rank",
    "save_model",
    "schema_errors",
    "validate_event",
]
