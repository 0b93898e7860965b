"""``thera demo``: sample startups on a loopback web, the daily workflow, three challenges."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from thera_sdk.cli._progress import StageProgress

_console = Console()


@click.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the demo keeps its data (default: <THERA_HOME>/demo).")
@click.option("--startups", "count", default=200, show_default=True,
              help="How many sample startups to generate.")
@click.option("--json", "as_json", is_flag=True, help="Print the answers as JSON.")
def demo(home: Path | None, count: int, as_json: bool) -> None:
    """Run the daily workflow on generated sample startups, then answer sample challenges."""
    import os

    from thera_sdk.demo import run_demo

    home = home or Path(os.environ.get("THERA_HOME", ".thera")) / "demo"
    err = Console(stderr=True)
    err.print(f"[bold]Thera demo[/bold]: {count} sample startups served on loopback, "
              f"data in {home}")
    progress = StageProgress(err, quiet=as_json)
    started = time.perf_counter()
    try:
        result = run_demo(home.resolve(), count=count, on_event=progress)
    finally:
        progress.close()
    ex = result.execution
    if ex.status != "SUCCEEDED":
        err.print(f"[bold red]daily run {ex.status}[/bold red]: {ex.error}: {ex.cause}")
        sys.exit(1)
    if as_json:
        click.echo(json.dumps([
            {"challenge": text, "industry": industry,
             "matches": [m.to_json() for m in matches]}
            for text, industry, matches in result.answers
        ], default=str))
        return
    for text, industry, matches in result.answers:
        table = Table(title=f"{text}" + (f"  [industry: {industry}]" if industry else ""),
                      title_justify="left", show_lines=False)
        table.add_column("#", justify="right")
        table.add_column("startup")
        table.add_column("score", justify="right")
        table.add_column("why")
        for rank, m in enumerate(matches, 1):
            table.add_row(str(rank), m.name, f"{m.score:.2f}", "; ".join(m.reasons))
        _console.print(table)
    _console.print(
        f"Done in {time.perf_counter() - started:.0f} s. Data: {result.home} "
        "(objects/ for the lake, tables.sqlite3 for the records). "
        f"Ask your own: THERA_HOME={result.home} thera match \"your challenge\"."
    )
