"""The event loop the network commands run on: uvloop when installed, unless turned off."""

from __future__ import annotations

import asyncio

import pytest

from thera_sdk._loop import loop_factory, run


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
