"""Fit the rendered stack to what moto's CloudFormation can create.

moto 5.2.5 creates buckets, tables, functions, roles, queues, log groups, KMS keys, SNS topics,
state machines and dashboards from a template, but not bucket or topic policies, alarms, Glue,
Athena, Budgets, Scheduler or SNS subscriptions (it warns and skips them), and it reads a state
machine's ``DefinitionString`` only. :func:`moto_template` drops what it cannot create, points
references to dropped resources at a marker string, and turns ``Definition`` plus
``DefinitionSubstitutions`` into the equivalent ``DefinitionString`` (an ``Fn::Sub``).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

MARKER = "unsupported-by-moto"


def supported_types() -> set[str]:
    """Resource types moto's CloudFormation can create."""
    from moto.cloudformation.parsing import get_model_map

    return set(get_model_map())


def _replace(node: Any, dropped: set[str]) -> Any:
    if isinstance(node, dict):
        if node.get("Ref") in dropped:
            return f"{MARKER}-{node['Ref']}"
        attribute = node.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute[0] in dropped:
            return f"{MARKER}-{attribute[0]}"
        if "Fn::Sub" in node:
            value = node["Fn::Sub"]
            text = value[0] if isinstance(value, list) else value
            for name in dropped:
                text = re.sub(r"\$\{" + name + r"(\.[A-Za-z]+)?\}", f"{MARKER}-{name}", text)
            if isinstance(value, list):
                return {"Fn::Sub": [text, _replace(value[1], dropped)]}
            return {"Fn::Sub": text}
        return {key: _replace(value, dropped) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace(item, dropped) for item in node]
    return node


def moto_template(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template moto can deploy, and the dropped resources (logical id -> type)."""
    fitted = copy.deepcopy(template)
    supported = supported_types()
    dropped = {
        logical_id: resource["Type"]
        for logical_id, resource in fitted["Resources"].items()
        if resource["Type"] not in supported
    }
    for logical_id in dropped:
        del fitted["Resources"][logical_id]
    fitted["Outputs"] = {
        key: output
        for key, output in fitted.get("Outputs", {}).items()
        if not set(re.findall(r"[A-Za-z0-9]+", json.dumps(output["Value"]))) & set(dropped)
    }
    fitted["Resources"] = _replace(fitted["Resources"], set(dropped))
    for resource in fitted["Resources"].values():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::StepFunctions::StateMachine" and "Definition" in props:
            text = json.dumps(props.pop("Definition"))
            values = props.pop("DefinitionSubstitutions", {})
            props["DefinitionString"] = {"Fn::Sub": [text, values]} if values else text
    return fitted, dropped
