"""Small workflows for the client tests, the same ASL on the local engine and on moto.

``flaky`` runs only locally: its Task calls a Python handler that fails while a gate file exists,
so a test can make a run fail, open the gate and redrive it (also from a child process, which
imports this module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from thera_sdk import LocalWorkflow

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"

ASL: dict[str, dict[str, Any]] = {
    "double": {
        "StartAt": "Double",
        "States": {
            "Double": {
                "Type": "Pass",
                "Parameters": {"n.$": "States.MathAdd($.n, $.n)"},
                "End": True,
            }
        },
    },
    "fails": {
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Pass", "Next": "Reject"},
            "Reject": {"Type": "Fail", "Error": "Thera.BadInput", "Cause": "n must be even"},
        },
    },
    "slow": {
        "StartAt": "Nap",
        "States": {"Nap": {"Type": "Wait", "Seconds": 30, "End": True}},
    },
}

FLAKY_ASL: dict[str, Any] = {
    "StartAt": "Prepare",
    "States": {
        "Prepare": {"Type": "Pass", "Result": True, "ResultPath": "$.prepared", "Next": "Call"},
        "Call": {"Type": "Task", "Resource": LAMBDA + "flaky", "End": True},
    },
}


def flaky(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Fails while the file named by ``event["gate"]`` exists."""
    if Path(event["gate"]).exists():
        raise RuntimeError("the gate is closed")
    return {"passed": True, "prepared": event.get("prepared")}


def local_workflows() -> dict[str, LocalWorkflow]:
    """Every test workflow, for ``Client.local(workflows=...)``."""
    workflows = {name: LocalWorkflow(asl) for name, asl in ASL.items()}
    workflows["flaky"] = LocalWorkflow(FLAKY_ASL, functions={"flaky": flaky})
    return workflows
