"""Shared test hygiene: a test that points the process at another data home (THERA_*) does not
leak that into the tests after it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _restore_thera_environment() -> Iterator[None]:
    before = {k: v for k, v in os.environ.items() if k.startswith("THERA_")}
    yield
    for key in [k for k in os.environ if k.startswith("THERA_")]:
        if key not in before:
            del os.environ[key]
    os.environ.update(before)
