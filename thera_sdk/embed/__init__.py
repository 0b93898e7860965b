"""Embeddings: company documents, three embedders, the cost guardrail and the matcher index.

Embedders (the embeddings port, :class:`Embedder`) turn texts into unit float32 vectors,
``embed(texts) -> EmbeddingResult(vectors, token_counts, model, dim)``:

- :class:`LocalEmbedder`, the default: hashed TF-IDF word, bigram and character n-gram features
  with IDF learnt from the indexed corpus, projected to ``dim`` (4096) dimensions; NumPy only,
  deterministic. Fit it with :meth:`LocalEmbedder.fit`.
- :class:`BedrockTitanEmbedder`: Titan Text Embeddings V2 through an injected ``bedrock-runtime``
  client, with bounded concurrency and throttling backoff.
- :class:`NeuralEmbedder`: all-MiniLM-L6-v2 from the ``local-ml`` extra, loaded offline.

Around them: :func:`build_document` (one text per company, within a token budget),
:func:`batch` (pure token-bounded batching), :func:`cost_usd`, :class:`CostGuard` and
:class:`SpendLedger` (daily budget and spend record).

The matcher index
-----------------
:func:`write_index` writes one version into the index bucket (logical name ``gold``)::

    matcher_index/<v>/vectors.npy     float32 N x D, unit rows
    matcher_index/<v>/meta.parquet    row i <-> vector i: startup_id, name, domain, description,
                                      industry, country, city, keywords (list<string>),
                                      employees, founded_year, richness (0-1 or null),
                                      health_score (0-100 or null), content_hash
    matcher_index/<v>/manifest.json   {"version", "embedder": {"kind", "model", "dim", ...,
                                      "files"}, "count", "dim", "created_at", ...}
    matcher_index/<v>/embedder.npz    local embedder only: its IDF table
    matcher_index/current.json        {"version": "<v>"}, written last (atomic switch)

:func:`read_index` ``(objects, bucket) -> MatcherIndex(vectors, meta, manifest, embedder)``
loads the current version and rebuilds its embedder with :func:`load_embedder`, so a query is
embedded exactly as the documents were::

    index = read_index(ports.objects, ports.settings.bucket_name("gold"))
    scores = index.vectors @ index.embedder.embed(["card fraud"]).vectors[0]
"""

from thera_sdk.embed._batch import batch
from thera_sdk.embed._bedrock import (
    RETRYABLE_CODES,
    TITAN_DIMENSIONS,
    TITAN_V2,
    BedrockTitanEmbedder,
)
from thera_sdk.embed._cost import DEFAULT_PRICE_PER_1K, CostGuard, DaySpend, SpendLedger, cost_usd
from thera_sdk.embed._documents import (
    DEFAULT_DOCUMENT_TOKENS,
    Document,
    build_document,
    clean_markdown,
)
from thera_sdk.embed._exceptions import EmbedderUnavailableError, EmbeddingRequestError
from thera_sdk.embed._factory import embedder_kind, make_embedder
from thera_sdk.embed._index import (
    INDEX_POINTER,
    INDEX_PREFIX,
    META_SCHEMA,
    IndexWritten,
    MatcherIndex,
    load_embedder,
    meta_table,
    read_index,
    read_manifest,
    write_index,
)
from thera_sdk.embed._local import DEFAULT_LOCAL_DIM, LOCAL_MODEL, LocalConfig, LocalEmbedder
from thera_sdk.embed._models import KINDS, Embedder, EmbeddingResult, normalise_rows
from thera_sdk.embed._neural import NEURAL_MODEL, NeuralEmbedder, neural_available
from thera_sdk.embed._text import estimate_tokens, stem, trim_to_tokens, words

__all__ = [
    "DEFAULT_DOCUMENT_TOKENS",
    "DEFAULT_LOCAL_DIM",
    "DEFAULT_PRICE_PER_1K",
    "INDEX_POINTER",
    "INDEX_PREFIX",
    "KINDS",
    "LOCAL_MODEL",
    "META_SCHEMA",
    "NEURAL_MODEL",
    "RETRYABLE_CODES",
    "TITAN_DIMENSIONS",
    "TITAN_V2",
    "BedrockTitanEmbedder",
    "CostGuard",
    "DaySpend",
    "Document",
    "Embedder",
    "EmbedderUnavailableError",
    "EmbeddingRequestError",
    "EmbeddingResult",
    "IndexWritten",
    "LocalConfig",
    "LocalEmbedder",
    "MatcherIndex",
    "NeuralEmbedder",
    "SpendLedger",
    "batch",
    "build_document",
    "clean_markdown",
    "cost_usd",
    "embedder_kind",
    "estimate_tokens",
    "load_embedder",
    "make_embedder",
    "meta_table",
    "neural_available",
    "normalise_rows",
    "read_index",
    "read_manifest",
    "stem",
    "trim_to_tokens",
    "words",
    "write_index",
]
