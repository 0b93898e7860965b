"""``thera runs list|show`` and ``thera startups get``: read runs and records via the SDK."""

from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from thera_sdk import Client, TheraError


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _guarded(action: Callable[[Client], None]) -> None:
    try:
        with Client.from_env() as client:
            action(client)
    except TheraError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.group()
def runs() -> None:
    """Runs of the workflows (local or on AWS, as THERA_BACKEND says)."""


@runs.command(name="list")
@click.option("--workflow", default=None, help="Only runs of this workflow.")
@click.option("--status", default=None, help="Only runs with this status (e.g. FAILED).")
@click.option("--limit", default=20, show_default=True, help="How many runs, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per run.")
def list_runs(workflow: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """List runs, newest first."""

    def action(client: Client) -> None:
        found = list(itertools.islice(client.list_runs(workflow=workflow, status=status), limit))
        if as_json:
            for run in found:
                click.echo(json.dumps(_jsonable(run)))
            return
        table = Table()
        for column in ("run", "workflow", "status", "started", "stopped"):
            table.add_column(column)
        for run in found:
            table.add_row(run.name, run.workflow, run.status, str(run.started_at),
                          str(run.stopped_at or ""))
        Console().print(table)

    _guarded(action)


@runs.command(name="show")
@click.argument("run_id")
@click.option("--history", is_flag=True, help="Also print the run's events.")
@click.option("--json", "as_json", is_flag=True, help="Print the run as JSON.")
def show_run(run_id: str, history: bool, as_json: bool) -> None:
    """Show one run (its ARN or name)."""

    def action(client: Client) -> None:
        run = client.get_run(run_id)
        events = client.run_history(run.run_id) if history else []
        if as_json:
            body = _jsonable(run)
            if history:
                body["history"] = _jsonable(events)
            click.echo(json.dumps(body))
            return
        console = Console()
        console.print(f"[bold]{run.name}[/bold] {run.workflow} {run.status}")
        console.print(f"started {run.started_at}, stopped {run.stopped_at or '-'}")
        if run.error:
            console.print(f"[red]{run.error}[/red]: {run.cause}")
        for event in events:
            console.print(f"  {event.id:>4} {event.type}")

    _guarded(action)


@click.group()
def startups() -> None:
    """Published startup records."""


@startups.command(name="get")
@click.argument("startup_id")
@click.option("--private", is_flag=True,
              help="The full record (needs access to the private table).")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
def get_startup(startup_id: str, private: bool, as_json: bool) -> None:
    """Show one startup's record."""

    def action(client: Client) -> None:
        record = (client.get_private_record(startup_id) if private
                  else client.get_public_record(startup_id))
        body = _jsonable(record)
        if as_json:
            click.echo(json.dumps(body))
            return
        table = Table(show_header=False)
        for key, value in body.items():
            if value not in (None, (), [], {}):
                table.add_row(key, str(value))
        Console().print(table)

    _guarded(action)
