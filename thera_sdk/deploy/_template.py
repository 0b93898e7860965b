"""The whole stack as one template: ``cloudformation/base.json`` plus the generated parts.

``base.json`` holds what never changes with the code (key, buckets, catalog database, workgroup,
alarm topic, budget). Rendered here, from the code: the DynamoDB tables (``TABLES``), the Glue
tables (``DATASETS``), a Lambda with its role, queue and log group per ``FunctionSpec``, a state
machine with its role and log group per workflow, the schedules, the alarms and the dashboard.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from thera_sdk.deploy._cfn import get_att, ref
from thera_sdk.deploy._datasets import DATASETS, Dataset
from thera_sdk.deploy._functions import function_ids, function_resources
from thera_sdk.deploy._machines import machine_ids, machine_resources
from thera_sdk.deploy._monitoring import alarm_resources, dashboard_resource
from thera_sdk.deploy._names import TABLES, TableDef, table_logical_id
from thera_sdk.deploy._storage import glue_table_resources, table_resources
from thera_sdk.deploy._workflows import Workflow
from workflows.functions import FUNCTIONS, FunctionSpec

__all__ = ["CLOUDFORMATION_DIR", "STACK_TEMPLATE", "base_template", "render_template"]

CLOUDFORMATION_DIR = Path(__file__).resolve().parents[2] / "cloudformation"
STACK_TEMPLATE = "thera.json"  # the rendered stack, under cloudformation/ and build/cloudformation/

_PARAMETERS: dict[str, Any] = {
    "Env": {
        "Type": "String",
        "Default": "dev",
        "AllowedPattern": "^[a-z][a-z0-9-]{0,15}$",
        "Description": "Environment name: parameters live under /thera/<env>/, secrets under "
        "thera/<env>/.",
    },
    "CodeBucket": {
        "Type": "String",
        "MinLength": 3,
        "Description": "S3 bucket of the task functions' zip (scripts/deploy.sh uploads it).",
    },
    "CodeKey": {
        "Type": "String",
        "MinLength": 1,
        "Description": "S3 key of the functions' zip (content-addressed: a new key per build).",
    },
    "DependenciesLayerArn": {
        "Type": "String",
        "Default": "",
        "Description": "Layer with pyarrow and numpy for the functions: the AWS SDK for pandas "
        "layer of the Region (AWSSDKPandas-Python312), see thera_sdk/deploy/_package.py.",
    },
}
_CONDITIONS: dict[str, Any] = {
    "HasDependenciesLayer": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DependenciesLayerArn"}, ""]}]}
}


@cache
def _read_base() -> str:
    path = CLOUDFORMATION_DIR / "base.json"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"{path} is missing: render the stack from a checkout of the Thera repository "
            "(the static part of the template lives in cloudformation/base.json)."
        ) from exc


def base_template() -> dict[str, Any]:
    """A fresh copy of ``cloudformation/base.json``."""
    return json.loads(_read_base())  # type: ignore[no-any-return]


def _outputs(specs: Sequence[FunctionSpec], workflows: Sequence[Workflow]) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    for spec in specs:
        outputs[f"{spec.key}FunctionArn"] = {
            "Description": spec.description,
            "Value": get_att(function_ids(spec)["function"], "Arn"),
        }
    for workflow in workflows:
        outputs[f"{machine_ids(workflow)['machine']}Arn"] = {
            "Description": f"The {workflow.name} workflow",
            "Value": ref(machine_ids(workflow)["machine"]),
        }
    return outputs


def render_template(
    workflows: Sequence[Workflow],
    *,
    functions: Sequence[FunctionSpec] = FUNCTIONS,
    tables: Sequence[TableDef] = TABLES,
    datasets: Sequence[Dataset] = DATASETS,
) -> dict[str, Any]:
    """The stack's template as a dict (``json.dumps`` it to deploy).

    Examples
    --------
    >>> from thera_sdk.deploy import load_workflows, render_template
    >>> template = render_template(load_workflows())  # doctest: +SKIP
    >>> template["Resources"]["DailyStateMachine"]["Type"]  # doctest: +SKIP
    'AWS::StepFunctions::StateMachine'
    """
    template = base_template()
    template["Description"] = (
        "Thera: the startup-discovery pipeline (rendered by `thera build` from "
        "cloudformation/base.json, workflows/ and thera_sdk/deploy/; do not edit by hand)."
    )
    template["Parameters"] = {**copy.deepcopy(_PARAMETERS), **template.get("Parameters", {})}
    template["Conditions"] = {**copy.deepcopy(_CONDITIONS), **template.get("Conditions", {})}
    generated: dict[str, Any] = {}
    generated.update(table_resources(tables))
    generated.update(glue_table_resources(datasets))
    generated.update(function_resources(functions))
    generated.update(machine_resources(workflows))
    generated.update(alarm_resources(functions, workflows))
    generated["PipelineDashboard"] = dashboard_resource(functions, workflows)
    clashes = sorted(set(generated) & set(template["Resources"]))
    if clashes:
        raise ValueError(f"Generated resources {clashes} clash with cloudformation/base.json.")
    template["Resources"].update(generated)
    template["Outputs"].update(_outputs(functions, workflows))
    for table in tables:
        template["Outputs"][f"{table_logical_id(table.logical)}Name"] = {
            "Description": table.env_var,
            "Value": ref(table_logical_id(table.logical)),
        }
    return template


def template_json(template: dict[str, Any]) -> str:
    """The template as stable, diff-friendly JSON text."""
    return json.dumps(template, indent=1, sort_keys=False) + "\n"
