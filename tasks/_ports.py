"""The ports a task Lambda uses, built on first use and kept by warm invocations."""

from __future__ import annotations

import os

from thera_sdk import Ports, build_ports

_ports: Ports | None = None
_built_for: tuple[tuple[str, str], ...] = ()


def _environment() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("THERA_")))


def default_ports() -> Ports:
    """Ports from the ``THERA_*`` environment, one set per process.

    They are built again if that environment changed (a local client or the demo pointing the
    process at another data home); on Lambda it never does, so warm invocations reuse them.
    """
    global _ports, _built_for
    environment = _environment()
    if _ports is None or environment != _built_for:
        _ports, _built_for = build_ports(), environment
    return _ports
