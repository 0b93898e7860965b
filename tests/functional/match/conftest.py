"""A local data home with a real matcher index, written by the embeddings package's own writer.

``thera_home`` points ``THERA_HOME`` at a temporary folder (local backend) and returns its
settings; ``write_startups`` embeds company rows with the local embedder and writes them as a new
index version into the ``gold`` bucket, as the daily workflow does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from thera_sdk import Settings
from thera_sdk.embed import LocalConfig, LocalEmbedder, build_document, write_index
from thera_sdk.storage import LocalObjectStore, ObjectStore

STARTUPS: list[dict[str, Any]] = [
    {
        "startup_id": "s-fraud", "name": "Acme Risk", "domain": "acmerisk.example",
        "description": "Acme Risk provides real-time transaction fraud scoring for card "
        "issuers and online merchants. Models flag card-not-present fraud in milliseconds.",
        "industry": "Fintech", "country": "Germany", "city": "Berlin",
        "keywords": ["fraud detection", "payments", "chargebacks"],
        "employees": 40, "founded_year": 2019, "richness": 0.8, "health_score": 92.0,
    },
    {
        "startup_id": "s-ledger", "name": "Ledgerly", "domain": "ledgerly.example",
        "description": "Ledgerly automates bookkeeping and invoice matching for small firms.",
        "industry": "Fintech", "country": "France", "city": "Paris",
        "keywords": ["accounting", "invoices"], "employees": 12, "founded_year": 2021,
        "richness": 0.3, "health_score": 55.0,
    },
    {
        "startup_id": "s-clinic", "name": "CareSlot", "domain": "careslot.example",
        "description": "CareSlot schedules clinic appointments and fills cancelled slots.",
        "industry": "Health", "country": "Germany", "city": "Munich",
        "keywords": ["scheduling", "clinics"], "employees": None, "founded_year": None,
        "richness": None, "health_score": None,
    },
    {
        "startup_id": "s-cargo", "name": "Cargo Eye", "domain": "cargoeye.example",
        "description": "Cargo Eye tracks shipping containers across ports and flags "
        "customs document fraud.",
        "industry": "Logistics", "country": "Netherlands", "city": "Rotterdam",
        "keywords": ["containers", "customs"], "employees": 150, "founded_year": 2012,
        "richness": 0.6, "health_score": 40.0,
    },
    {
        "startup_id": "s-grid", "name": "GridLeaf", "domain": "gridleaf.example",
        "description": "GridLeaf forecasts solar output and balances battery storage.",
        "industry": "Energy", "country": "Spain", "city": "Madrid",
        "keywords": ["solar", "batteries"], "employees": 25, "founded_year": 2016,
        "richness": 0.9, "health_score": 88.0,
    },
]  # fmt: skip


@pytest.fixture
def thera_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Local settings whose data home is a temporary folder, also set in the environment."""
    monkeypatch.setenv("THERA_BACKEND", "local")
    monkeypatch.setenv("THERA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("THERA_BUCKET_GOLD", raising=False)
    settings = Settings.from_env()
    store = LocalObjectStore(settings.home / "objects")
    store.create_bucket(settings.bucket_name("gold"))
    store.create_bucket(settings.data_bucket)
    return settings


@pytest.fixture
def objects(thera_home: Settings) -> ObjectStore:
    """The objects port of ``thera_home``."""
    return LocalObjectStore(thera_home.home / "objects")


WriteStartups = Callable[..., str]


@pytest.fixture
def write_startups(thera_home: Settings, objects: ObjectStore) -> WriteStartups:
    """Embed rows with a freshly fitted local embedder and write them as a new index version."""

    def write(rows: Sequence[dict[str, Any]] = STARTUPS, *, version: str | None = None) -> str:
        texts = [build_document(row).text for row in rows]
        embedder = LocalEmbedder.fit(texts, LocalConfig(dim=256))
        written = write_index(
            objects, thera_home.bucket_name("gold"), embedder.embed(texts).vectors, list(rows),
            embedder, version=version,
        )  # fmt: skip
        return written.version

    return write
