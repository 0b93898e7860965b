"""The event loop the network commands run on: uvloop when installed, unless turned off."""

from __future__ import annotations

import asyncio
import gc

import pytest

from thera_sdk._loop import YOUNG_THRESHOLD, fewer_collections, loop_factory, run


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def test_uvloop_runs_the_checks_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("uvloop")
    monkeypatch.delenv("THERA_UVLOOP", raising=False)
    assert run(_loop_module()).startswith("uvloop")


def test_thera_uvloop_0_falls_back_to_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("THERA_UVLOOP", "0")
    assert loop_factory() is asyncio.new_event_loop
    assert run(_loop_module()).startswith("asyncio")


async def _collector_state() -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_run_collects_less_often_inside_and_restores_after() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    threshold, frozen = run(_collector_state())
    assert threshold == YOUNG_THRESHOLD != before[0]
    assert frozen > 0  # what existed before the run is left out of its passes
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_caller_freeze_is_left_as_it_was() -> None:
    gc.freeze()
    try:
        with fewer_collections(1234):
            assert gc.get_threshold()[0] == 1234
        assert gc.get_freeze_count() > 0  # not unfrozen: the caller froze it
    finally:
        gc.unfreeze()


def test_nested_blocks_restore_once_the_outermost_ends() -> None:
    before = gc.get_threshold()
    with fewer_collections(2000):
        with fewer_collections(9000):
            assert gc.get_threshold()[0] == 2000  # the outermost decides
        assert gc.get_threshold()[0] == 2000
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_an_error_inside_restores_the_collector() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_collections(4321):
        raise RuntimeError("boom")
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
