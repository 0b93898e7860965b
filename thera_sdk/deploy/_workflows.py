"""The workflows the stack deploys: each module's ``NAME``, ``SCHEDULE`` and ``build()``."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from workflows import StateMachine

__all__ = ["WORKFLOW_MODULES", "Workflow", "find_workflow", "load_workflows"]

WORKFLOW_MODULES: tuple[str, ...] = ("workflows.daily", "workflows.weekly_training")


@dataclass(frozen=True)
class Workflow:
    """One deployed state machine: its name, its schedule (``None``: started on demand only)."""

    name: str
    machine: StateMachine
    schedule: str | None = None
    schedule_input: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""

    def compile(self) -> dict[str, Any]:
        """The ASL definition."""
        return self.machine.compile()


def _from_module(module_name: str) -> Workflow:
    module = importlib.import_module(module_name)
    try:
        name, build = module.NAME, module.build
    except AttributeError as exc:
        raise AttributeError(
            f"{module_name} must define NAME and build() (and SCHEDULE to run on a schedule)."
        ) from exc
    machine = build()
    return Workflow(
        name=name,
        machine=machine,
        schedule=getattr(module, "SCHEDULE", None),
        schedule_input=getattr(module, "SCHEDULE_INPUT", {}),
        description=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else "",
    )


def load_workflows(modules: Sequence[str] = WORKFLOW_MODULES) -> list[Workflow]:
    """Import and build every workflow module; a module not written yet is skipped."""
    found: list[Workflow] = []
    for module_name in modules:
        try:
            found.append(_from_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # a missing import inside an existing module is a bug
                raise
    return found


def find_workflow(name: str, workflows: Sequence[Workflow] | None = None) -> Workflow:
    """The workflow called ``name`` (``daily``, ``weekly-training``)."""
    workflows = load_workflows() if workflows is None else workflows
    for workflow in workflows:
        if workflow.name == name:
            return workflow
    known = ", ".join(w.name for w in workflows) or "none"
    raise KeyError(f"No workflow named {name!r}; the known ones are: {known}.")
