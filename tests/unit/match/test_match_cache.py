"""The per-process cache: one load per version, pointer read at most every few seconds."""

from __future__ import annotations

import logging

import pytest

from thera_sdk import DataFormatError
from thera_sdk.match import VersionedCache


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_reloads_only_when_the_version_changes_and_after_the_refresh_interval() -> None:
    # GIVEN a pointer at v1 and a cache that checks it every 5 seconds
    pointer = {"version": "v1"}
    reads: list[str] = []
    clock = _Clock()

    def read_version() -> str:
        reads.append(pointer["version"])
        return pointer["version"]

    cache = VersionedCache(read_version, lambda v: f"index {v}", refresh_seconds=5, clock=clock)
    # WHEN asked twice within the interval THEN one pointer read, one load
    assert cache.get() == "index v1"
    assert cache.get() == "index v1"
    assert (len(reads), cache.loads) == (1, 1)
    # WHEN the pointer moves but the interval has not passed THEN the old value stays
    pointer["version"] = "v2"
    clock.now += 4.9
    assert cache.get() == "index v1"
    # WHEN the interval passes THEN the new version is loaded once
    clock.now += 0.2
    assert cache.get() == "index v2"
    assert cache.version == "v2"
    assert (len(reads), cache.loads) == (2, 2)
    # WHEN the pointer is read again and did not move THEN nothing is reloaded
    clock.now += 10
    assert cache.get() == "index v2"
    assert (len(reads), cache.loads) == (3, 2)


def test_clear_forces_a_reload() -> None:
    cache = VersionedCache(lambda: "v1", lambda v: object(), refresh_seconds=60)
    first = cache.get()
    cache.clear()
    assert cache.get() is not first
    assert cache.loads == 2


def test_a_broken_new_version_leaves_the_old_one_serving(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # GIVEN a cache serving v1
    pointer = {"version": "v1"}

    def load(version: str) -> str:
        if version == "v2":
            raise DataFormatError("v2 is truncated")
        return f"index {version}"

    cache = VersionedCache(lambda: pointer["version"], load, refresh_seconds=0)
    assert cache.get() == "index v1"
    # WHEN the pointer moves to a version that cannot be loaded
    pointer["version"] = "v2"
    # THEN v1 keeps serving and the failure is logged
    with caplog.at_level(logging.WARNING):
        assert cache.get() == "index v1"
    assert "still serving 'v1'" in caplog.text
    # AND with nothing loaded yet, the error is raised
    with pytest.raises(DataFormatError, match="truncated"):
        VersionedCache(lambda: "v2", load, refresh_seconds=0).get()
