"""``thera demo``: the daily workflow on bundled sample data, then sample challenges."""

from __future__ import annotations

import sys

import click


@click.command()
def demo() -> None:
    """Run the daily workflow on bundled sample data, then answer sample challenges."""
    click.echo(
        "thera demo: the sample pipeline is not there yet. Today you can run any state machine "
        "locally with 'thera execute DEFINITION.json'.",
        err=True,
    )
    sys.exit(2)
