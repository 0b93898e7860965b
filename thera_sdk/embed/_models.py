"""What every embedder returns, and the small interface every embedder implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from thera_sdk._exceptions import ValidationError

__all__ = ["KINDS", "Embedder", "EmbeddingResult", "normalise_rows"]

KINDS = ("local", "bedrock", "neural")


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length as float32 (all-zero rows stay zero).

    Examples
    --------
    >>> normalise_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6000000238418579, 0.800000011920929], [0.0, 0.0]]
    """
    array = np.asarray(vectors, dtype=np.float64)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    norms[norms == 0.0] = 1.0
    return np.ascontiguousarray(array / norms, dtype=np.float32)


@dataclass(frozen=True)
class EmbeddingResult:
    """Unit-length float32 vectors (one row per text, in input order) and what they cost.

    ``token_counts`` are what the model billed (Bedrock's ``inputTextTokenCount``) or, for the
    free local embedders, what it read. ``np.asarray(result)`` gives the vectors, so code that
    only wants an array can treat a result as one.

    Examples
    --------
    >>> result = EmbeddingResult(np.eye(2, dtype=np.float32), (3, 4), "demo", 2)
    >>> result.total_tokens, np.asarray(result).shape
    (7, (2, 2))
    """

    vectors: np.ndarray
    token_counts: tuple[int, ...]
    model: str
    dim: int

    def __post_init__(self) -> None:
        if self.vectors.ndim != 2 or self.vectors.shape[1] != self.dim:
            raise ValidationError(
                f"Embedding vectors have shape {self.vectors.shape}; expected N x {self.dim}."
            )
        if len(self.token_counts) != self.vectors.shape[0]:
            raise ValidationError(
                f"{len(self.token_counts)} token counts for {self.vectors.shape[0]} vectors."
            )

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.vectors if dtype is None else self.vectors.astype(dtype)

    @property
    def total_tokens(self) -> int:
        """The sum of the token counts."""
        return int(sum(self.token_counts))


class Embedder(ABC):
    """Texts in, one unit vector per text out (the embeddings port).

    Adapters set ``kind`` (``local``, ``bedrock`` or ``neural``), ``model`` and ``dim``, and
    implement :meth:`_embed`; :meth:`embed` checks the input and the output shape.
    """

    kind: str
    model: str
    dim: int

    def embed(self, texts: Sequence[str]) -> EmbeddingResult:
        """Embed ``texts`` (non-empty strings), returning vectors in the same order.

        Examples
        --------
        >>> embedder.embed(["card fraud scoring"]).vectors.shape  # doctest: +SKIP
        (1, 384)
        """
        if isinstance(texts, str):
            raise ValidationError("embed() takes a sequence of texts; wrap one text in a list.")
        items = list(texts)
        for position, text in enumerate(items):
            if not isinstance(text, str):
                raise ValidationError(f"Text {position} is {type(text).__name__}, not str.")
        if not items:
            return EmbeddingResult(np.zeros((0, self.dim), np.float32), (), self.model, self.dim)
        return self._embed(items)

    @abstractmethod
    def _embed(self, texts: list[str]) -> EmbeddingResult: ...

    def spec(self) -> dict[str, Any]:
        """What a manifest records to rebuild this embedder (``kind``, ``model``, ``dim``...)."""
        return {"kind": self.kind, "model": self.model, "dim": self.dim}

    def state_files(self) -> Mapping[str, bytes]:
        """Fitted state to store beside an index (name -> bytes); none by default."""
        return {}
