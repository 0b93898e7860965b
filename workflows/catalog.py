"""Every workflow Thera deploys, by name."""

from __future__ import annotations

from types import ModuleType

from workflows import daily, weekly_training

WORKFLOWS: dict[str, ModuleType] = {daily.NAME: daily, weekly_training.NAME: weekly_training}


def workflow(name: str) -> ModuleType:
    """The module of workflow ``name`` (``build()``, ``NAME``, ``SCHEDULE``)."""
    try:
        return WORKFLOWS[name]
    except KeyError:
        raise KeyError(
            f"No workflow named {name!r}; the workflows are: {', '.join(sorted(WORKFLOWS))}."
        ) from None
