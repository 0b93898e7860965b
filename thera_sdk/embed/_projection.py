"""A fixed sparse random projection from the hashed feature space to ``dim`` dimensions.

Each hashed feature lands on ``density`` output coordinates with random signs, scaled by
``1/sqrt(density)``: a count sketch with several hashes, which keeps inner products unbiased
with variance about ``|x|^2 |y|^2 / dim``. Positions and signs come from a seeded SplitMix64
hash of the feature id, so nothing has to be stored: the same seed gives the same projection
in every process and on every machine.
"""

from __future__ import annotations

import numpy as np

__all__ = ["project"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _splitmix(values: np.ndarray) -> np.ndarray:
    # uint64 arithmetic on arrays wraps modulo 2**64, which is what the mixer wants.
    x = values + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def _targets(ids: np.ndarray, dim: int, density: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    offsets = np.arange(density, dtype=np.uint64)
    base = (ids.astype(np.uint64)[:, None] * np.uint64(density) + offsets).astype(np.uint64)
    mixed = _splitmix(base ^ np.uint64(seed & 0xFFFFFFFFFFFFFFFF))
    positions = (mixed % np.uint64(dim)).astype(np.int64)
    signs = np.where((mixed >> np.uint64(63)) == 1, -1.0, 1.0)
    return positions, signs / np.sqrt(density)


def project(
    rows: np.ndarray,
    ids: np.ndarray,
    weights: np.ndarray,
    n_rows: int,
    *,
    dim: int,
    density: int,
    seed: int,
) -> np.ndarray:
    """Project sparse rows given as COO triplets (row, feature id, weight) to a dense matrix.

    Examples
    --------
    >>> out = project(np.array([0, 0]), np.array([5, 9]), np.array([1.0, 1.0]), 1,
    ...               dim=8, density=2, seed=1)
    >>> out.shape, bool(np.any(out))
    ((1, 8), True)
    """
    out = np.zeros(n_rows * dim, dtype=np.float64)
    if ids.size:
        positions, signs = _targets(ids, dim, density, seed)
        flat = (rows.astype(np.int64)[:, None] * dim + positions).ravel()
        out += np.bincount(flat, weights=(signs * weights[:, None]).ravel(), minlength=out.size)
    return out.reshape(n_rows, dim)
