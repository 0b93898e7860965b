"""Local ports in a temporary data home, and a helper to write a day of companies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from thera_sdk import Ports, Settings, build_ports


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[Ports]:
    with build_ports(Settings(home=tmp_path / "home")) as built:
        yield built
