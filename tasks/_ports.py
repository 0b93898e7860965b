"""The ports a task Lambda uses, built on first use and kept by warm invocations."""

from __future__ import annotations

from thera_sdk import Ports, build_ports

_ports: Ports | None = None


def default_ports() -> Ports:
    """Ports from the environment (``THERA_BACKEND``, ``THERA_HOME``...), one set per process."""
    global _ports
    if _ports is None:
        _ports = build_ports()
    return _ports
