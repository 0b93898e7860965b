"""``thera import FILE``: bring your own list of companies into the data home.

The file is checked row by row (bad rows are reported with their line number; good rows are
kept), copied into the data bucket under ``imports/``, and remembered as the latest import: the
next ``thera run daily`` without ``--source`` imports it through the workflow's own import stage.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.console import Console

from thera_sdk import TheraError, build_ports

LATEST_IMPORT = "imports/latest"
_console = Console(stderr=True)


@click.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
def import_(file: Path, as_json: bool) -> None:
    """Check FILE (CSV or JSONL in the import format) and stage it for the next daily run."""
    try:
        from thera_sdk.sources import read_companies  # pyarrow: only for this command

        result = read_companies(file)
    except TheraError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    key = f"imports/{stamp}-{file.name}"
    with build_ports() as ports:
        ports.objects.put(ports.settings.data_bucket, key, file.read_bytes())
        ports.parameters.put(ports.settings.parameter_name(LATEST_IMPORT), key)
    summary = {
        "file": str(file),
        "key": key,
        "rows": result.rows,
        "companies": len(result.companies),
        "errors": [e.as_dict() for e in result.errors],
    }
    if as_json:
        click.echo(json.dumps(summary))
        return
    _console.print(
        f"[green]{len(result.companies)}[/green] companies ready from {file} "
        f"({len(result.errors)} bad rows); run [bold]thera run daily[/bold] to process them."
    )
    for error in result.errors[:20]:
        _console.print(f"  line {error.line}: {error.message}")
    if len(result.errors) > 20:
        _console.print(f"  ... and {len(result.errors) - 20} more (use --json to see all)")
