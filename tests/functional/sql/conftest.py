"""The lake the SQL tests query: synthetic by default, a real local run's with THERA_SQL_LAKE."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sql_lake import BUCKET, DAY, Lake, clean_rows, defective_rows, open_lake, write_lake

from thera_sdk.storage import DuckDbSqlEngine


@pytest.fixture
def lake(tmp_path: Path) -> Iterator[Lake]:
    """The clean synthetic lake, or the run output named by THERA_SQL_LAKE."""
    home = os.environ.get("THERA_SQL_LAKE")
    if home:
        from thera_sdk import Settings

        settings = Settings.from_env({**os.environ, "THERA_HOME": home})
        engine = open_lake(Path(home) / "objects", settings.data_bucket, tmp_path / "catalog.json")
        day = os.environ.get("THERA_SQL_LAKE_DAY", DAY)
        synthetic = False
    else:
        write_lake(tmp_path / "objects", clean_rows())
        engine = open_lake(tmp_path / "objects", BUCKET, tmp_path / "catalog.json")
        day, synthetic = DAY, True
    try:
        yield Lake(engine, day, synthetic)
    finally:
        engine.close()


@pytest.fixture
def defective_lake(tmp_path: Path) -> Iterator[DuckDbSqlEngine]:
    """The synthetic lake with one known defect per data-quality check."""
    write_lake(tmp_path / "objects", defective_rows())
    engine = open_lake(tmp_path / "objects", BUCKET, tmp_path / "catalog.json")
    try:
        yield engine
    finally:
        engine.close()
