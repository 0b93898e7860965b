"""cfn-lint (its Python API) finds no error and no warning in any template we deploy."""

from __future__ import annotations

from pathlib import Path

import pytest
from cfnlint.api import lint
from deploy_examples import example_workflows

from thera_sdk.deploy import CLOUDFORMATION_DIR, render_template
from thera_sdk.deploy._template import template_json

CHECKED_IN = sorted(CLOUDFORMATION_DIR.glob("*.json"))


def _problems(text: str) -> list[str]:
    return [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in lint(text)]


@pytest.mark.parametrize("path", CHECKED_IN, ids=lambda p: p.name)
def test_checked_in_templates_are_lint_clean(path: Path) -> None:
    assert _problems(path.read_text(encoding="utf-8")) == []


def test_a_fresh_render_is_lint_clean() -> None:
    # GIVEN the example workflows (Distributed Map, Parallel, Choice, schedules)
    text = template_json(render_template(example_workflows()))
    # THEN cfn-lint reports nothing at all, warnings included
    assert _problems(text) == []


def test_the_checked_in_templates_are_all_there() -> None:
    assert [p.name for p in CHECKED_IN] == ["artifacts.json", "base.json", "thera.json"]
