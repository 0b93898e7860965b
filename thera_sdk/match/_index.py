"""The matcher index as served: unit vectors, company columns and the embedder that made them.

The embeddings stage writes, in one bucket (logical name ``gold``)::

    matcher_index/<version>/vectors.npy     float32, N x D, rows of unit length
    matcher_index/<version>/meta.parquet    row i describes vector i (see META_COLUMNS)
    matcher_index/<version>/manifest.json   how the index was built (embedder, dimension, ...)
    matcher_index/current.json              {"version": "<version>"}, written last

:func:`load_index` reads it with :func:`thera_sdk.embed.read_index`, which also rebuilds the
embedder from the manifest, so a challenge is embedded exactly as the documents were.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from thera_sdk._exceptions import (
    ConfigurationError,
    DataFormatError,
    NotFoundError,
    ObjectNotFoundError,
)
from thera_sdk.embed import read_index
from thera_sdk.match._companies import CompanyTable
from thera_sdk.storage import ObjectStore

__all__ = [
    "INDEX_POINTER_KEY",
    "Embedder",
    "IndexNotFoundError",
    "ServingIndex",
    "current_index_version",
    "load_index",
]

INDEX_PREFIX = "matcher_index/"
INDEX_POINTER_KEY = INDEX_PREFIX + "current.json"


class IndexNotFoundError(NotFoundError):
    """No matcher index has been built in the bucket yet."""


class Embedder(Protocol):
    """What the matcher needs from an embedder: texts in, one vector per text out."""

    def embed(self, texts: Sequence[str]) -> Any: ...


@dataclass(frozen=True)
class ServingIndex:
    """One loaded version of the matcher index.

    Examples
    --------
    >>> index = load_index(store, "thera-dev-gold")  # doctest: +SKIP
    >>> index.vectors.shape  # doctest: +SKIP
    (1000, 384)
    """

    version: str
    vectors: np.ndarray
    companies: CompanyTable
    embedder: Embedder | None
    manifest: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[0] != len(self.companies):
            raise DataFormatError(
                f"Matcher index {self.version!r} has vectors of shape {self.vectors.shape} for "
                f"{len(self.companies)} metadata rows; rebuild the index."
            )

    @property
    def dimension(self) -> int:
        """The length of each vector."""
        return int(self.vectors.shape[1])

    def embed_query(self, text: str) -> np.ndarray:
        """The challenge as a unit float32 vector, embedded as the index's documents were."""
        if self.embedder is None:
            raise ConfigurationError(
                f"Matcher index {self.version!r} came without an embedder; install the extra "
                "its manifest names (e.g. pip install -e '.[local-ml]') or rebuild the index."
            )
        vectors = np.asarray(self.embedder.embed([text]), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape != (1, self.dimension):
            raise ConfigurationError(
                f"The embedder returned shape {vectors.shape} but matcher index "
                f"{self.version!r} holds {self.dimension}-dimensional vectors; rebuild the "
                "index with the embedder configured now."
            )
        query = vectors[0]
        norm = float(np.linalg.norm(query))
        if not np.isfinite(norm) or norm == 0.0:
            return np.zeros(self.dimension, dtype=np.float32)  # nothing known: scores all 0
        return query / np.float32(norm)


def current_index_version(objects: ObjectStore, bucket: str) -> str:
    """The version ``matcher_index/current.json`` points to.

    Examples
    --------
    >>> current_index_version(store, "thera-dev-gold")  # doctest: +SKIP
    '20250203T020000Z'
    """
    try:
        pointer = json.loads(objects.get(bucket, INDEX_POINTER_KEY))
    except ObjectNotFoundError as exc:
        raise IndexNotFoundError(
            f"No matcher index in bucket {bucket!r} ({INDEX_POINTER_KEY!r} is missing); build "
            "it with `thera run daily --no-web` or the daily workflow."
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataFormatError(
            f"{INDEX_POINTER_KEY!r} in bucket {bucket!r} is not JSON; rebuild the index."
        ) from exc
    if not isinstance(pointer, dict) or not isinstance(pointer.get("version"), str):
        raise DataFormatError(
            f"{INDEX_POINTER_KEY!r} in bucket {bucket!r} must be {{\"version\": \"...\"}}; "
            "rebuild the index."
        )
    return str(pointer["version"])


def _as_vectors(vectors: Any, version: str) -> np.ndarray:
    # The writer checks that rows are finite and of unit length; a full scan here would cost
    # another pass (and a temporary as large as the matrix) on every cold start.
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2:
        raise DataFormatError(
            f"Matcher index {version!r} vectors must be an N x D matrix; rebuild it."
        )
    return array


def load_index(
    objects: ObjectStore,
    bucket: str,
    version: str | None = None,
    *,
    with_embedder: bool = True,
) -> ServingIndex:
    """Load a version of the matcher index (default: the current one), with its embedder.

    Examples
    --------
    >>> index = load_index(store, "thera-dev-gold")  # doctest: +SKIP
    >>> index.embed_query("card fraud").shape  # doctest: +SKIP
    (4096,)
    """
    version = version or current_index_version(objects, bucket)
    loaded = read_index(objects, bucket, version=version, with_embedder=with_embedder)
    return ServingIndex(
        version=loaded.version,
        vectors=_as_vectors(loaded.vectors, version),
        companies=CompanyTable(loaded.meta),
        embedder=loaded.embedder,
        manifest=dict(loaded.manifest),
    )
