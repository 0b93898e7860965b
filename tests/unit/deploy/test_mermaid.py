"""`thera workflows graph`: the compiled ASL as a Mermaid flowchart."""

from __future__ import annotations

from deploy_examples import example_machine

from thera_sdk.deploy import mermaid
from thera_sdk.deploy._mermaid import condition_label


def test_map_and_parallel_are_subgraphs_and_edges_are_labelled() -> None:
    text = mermaid(example_machine().compile(), title="example")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[:4] == ["---", "title: example", "---", "flowchart TD"]
    assert any(line.startswith("subgraph") and '"Check all (Map, distributed)"' in line
               for line in lines)  # fmt: skip
    assert any('"Publish and measure (Parallel)"' in line for line in lines)
    assert sum(line.startswith("subgraph") for line in lines) == 4  # map, parallel, 2 branches
    assert lines.count("end") == 4
    assert any('-->|"$.plan.count > 0"|' in line for line in lines)
    assert any("-->|default|" in line for line in lines)
    assert any('-.->|"States.ALL"|' in line for line in lines)


def test_quotes_in_names_are_escaped() -> None:
    asl = {"StartAt": 'Say "hi"', "States": {'Say "hi"': {"Type": "Succeed"}}}
    assert '(["Say #quot;hi#quot;"])' in mermaid(asl)


def test_condition_labels() -> None:
    rule = {"And": [{"Variable": "$.a", "StringEquals": "x"},
                    {"Variable": "$.b", "BooleanEquals": False}]}  # fmt: skip
    assert condition_label(rule) == "($.a == 'x') and ($.b == false)"
    assert condition_label({"Variable": "$.n", "NumericLessThanPath": "$.m"}) == "$.n < $.m"
