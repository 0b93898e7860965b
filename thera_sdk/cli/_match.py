"""``thera match TEXT``: the startups that fit a challenge, from the local matcher index."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from thera_sdk import TheraError


@click.command()
@click.argument("text")
@click.option("--industry", default=None, help="Only startups of this industry.")
@click.option("--country", default=None, help="Only startups of this country.")
@click.option("--limit", default=20, show_default=True, help="How many startups to return.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a JSON list of {startup_id, name, score, similarity, reasons}.")
def match(text: str, industry: str | None, country: str | None, limit: int,
          as_json: bool) -> None:
    """Answer the challenge TEXT with the best-fitting startups."""
    from thera_sdk.match import match as run_match

    try:
        results = run_match(text, industry=industry, country=country, limit=limit)
    except TheraError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in results]))
        return
    if not results:
        Console(stderr=True).print("No startup matches these filters.")
        return
    table = Table(show_lines=False)
    for column, justify in (("#", "right"), ("startup", "left"), ("score", "right"),
                            ("similarity", "right"), ("why", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rank, r in enumerate(results, 1):
        table.add_row(str(rank), r.name, f"{r.score:.2f}", f"{r.similarity:.2f}",
                      "; ".join(r.reasons))
    Console().print(table)
