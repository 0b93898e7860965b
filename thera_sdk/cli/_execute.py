"""``thera execute``: run any ASL definition with the local engine."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click

from thera_sdk.local import InvalidDefinitionError, LocalEngine


def _load_functions(spec: str | None) -> dict[str, Any]:
    if not spec:
        return {}
    module_name, _, attribute = spec.partition(":")
    module = importlib.import_module(module_name)
    functions = getattr(module, attribute or "FUNCTIONS")
    if not isinstance(functions, dict):
        raise click.UsageError(f"{spec} must name a dict of function name -> handler.")
    return functions


@click.command()
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--input", "input_json", default="{}", help="Execution input as JSON text.")
@click.option("--name", default=None, help="Execution name (a UUID by default).")
@click.option("--functions", default=None, help="module:DICT of Lambda handlers by name.")
@click.option("--json", "as_json", is_flag=True, help="Print the execution as one JSON object.")
def execute(
    definition: Path, input_json: str, name: str | None, functions: str | None, as_json: bool
) -> None:
    """Run an ASL DEFINITION with the local engine and print its result."""
    try:
        payload = json.loads(input_json)
    except ValueError as exc:
        raise click.UsageError(f"--input is not valid JSON: {exc}") from exc
    engine = LocalEngine(functions=_load_functions(functions))
    try:
        ex = engine.run(definition.read_text(), payload, name=name)
    except InvalidDefinitionError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(ex.summary(), default=str))
    elif ex.status == "SUCCEEDED":
        click.echo(json.dumps(ex.output, indent=2))
    else:
        click.echo(f"{ex.status}: {ex.error}: {ex.cause}", err=True)
    sys.exit(0 if ex.status == "SUCCEEDED" else 1)
