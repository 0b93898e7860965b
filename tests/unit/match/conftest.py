"""Small in-memory matcher indexes for the unit tests of ``thera_sdk.match``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from thera_sdk.match import CompanyTable, ServingIndex

COMPANIES: list[dict[str, Any]] = [
    {
        "startup_id": "s-fraud", "name": "Acme Risk", "domain": "acmerisk.example",
        "description": "Acme Risk was founded in Berlin. It provides real-time transaction "
        "fraud scoring for card issuers and online merchants.",
        "industry": "Fintech", "country": "Germany", "city": "Berlin",
        "keywords": ["fraud detection", "payments", "machine learning"],
        "employees": 40, "founded_year": 2019, "richness": 0.8, "health_score": 92.0,
    },
    {
        "startup_id": "s-ledger", "name": "Ledgerly", "domain": "ledgerly.example",
        "description": "Ledgerly automates bookkeeping for small businesses.",
        "industry": "fintech", "country": "France", "city": "Paris",
        "keywords": ["accounting"], "employees": 12, "founded_year": 2021,
        "richness": 0.3, "health_score": 55.0,
    },
    {
        "startup_id": "s-clinic", "name": "CareSlot", "domain": "careslot.example",
        "description": "CareSlot schedules clinic appointments and reduces no-shows.",
        "industry": "Health", "country": "Germany", "city": "Munich",
        "keywords": ["scheduling", "clinics"], "employees": None, "founded_year": None,
        "richness": None, "health_score": None,
    },
    {
        "startup_id": "s-cargo", "name": "Cargo Eye", "domain": "cargoeye.example",
        "description": "Cargo Eye tracks shipping containers. Fraud in customs paperwork is "
        "flagged by document scoring.",
        "industry": "Logistics", "country": "Netherlands", "city": "Rotterdam",
        "keywords": [], "employees": 150, "founded_year": 2012,
        "richness": 0.6, "health_score": 40.0,
    },
]


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length, as float32."""
    vectors = np.asarray(vectors, dtype=np.float64)
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def build_index(
    rows: Sequence[dict[str, Any]] = COMPANIES,
    vectors: np.ndarray | None = None,
    *,
    version: str = "v1",
    embedder: Any = None,
) -> ServingIndex:
    """A ServingIndex over ``rows``; by default vector i is the i-th basis direction."""
    if vectors is None:
        vectors = np.eye(len(rows), max(len(rows), 4), dtype=np.float32)
    meta = pa.Table.from_pylist(list(rows))
    return ServingIndex(version, unit(vectors), CompanyTable(meta), embedder, {"version": version})


@pytest.fixture
def make_index() -> Callable[..., ServingIndex]:
    """Build a small index; see :func:`build_index`."""
    return build_index
