"""``thera run WORKFLOW``: run a workflow on the local engine, with a live line per stage."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import click
from rich.console import Console

from thera_sdk import NotFoundError, build_ports
from thera_sdk.cli._import import LATEST_IMPORT
from thera_sdk.local import LocalEngine
from workflows.catalog import WORKFLOWS, workflow
from workflows.functions import local_functions, local_substitutions

_console = Console(stderr=True)
_FAILURES = frozenset(
    {"TaskFailed", "TaskTimedOut", "LambdaFunctionFailed", "LambdaFunctionTimedOut",
     "MapStateFailed", "ParallelStateFailed", "MapRunFailed"}
)


class StageProgress:
    """Prints one line as each top-level stage finishes (Map batches are counted, not listed)."""

    def __init__(self, console: Console, quiet: bool) -> None:
        self.console = console
        self.quiet = quiet
        self.depth = 0
        self.started: dict[str, float] = {}
        self.failed = False  # the current top-level stage failed (its Catch took over)
        self.batches = 0

    def __call__(self, event_type: str, details: dict[str, Any] | None) -> None:
        if self.quiet:
            return
        if event_type.endswith("StateEntered") and self.depth == 0:
            self.started[details["name"]] = time.perf_counter()  # type: ignore[index]
            self.failed = False
        if self.depth == 0 and event_type in _FAILURES:
            self.failed = True
        if event_type in ("MapStateStarted", "ParallelStateStarted", "MapRunStarted"):
            self.depth += event_type != "MapRunStarted"
            self.batches = 0
        elif event_type in ("MapStateSucceeded", "MapStateFailed", "MapStateAborted",
                            "ParallelStateSucceeded", "ParallelStateFailed",
                            "ParallelStateAborted"):
            self.depth = max(0, self.depth - 1)
        elif event_type == "MapIterationSucceeded":
            self.batches += 1
        if event_type.endswith("StateExited") and self.depth == 0 and details:
            name = details["name"]
            took = time.perf_counter() - self.started.pop(name, time.perf_counter())
            mark = "[red]✗[/red]" if self.failed else "[green]✓[/green]"
            self.console.print(f"{mark} {name} [dim]({took:.1f} s)[/dim]")


def _default_source() -> dict[str, Any]:
    """Apollo when its key is configured, else the latest ``thera import``; say so if neither."""
    with build_ports() as ports:
        settings = ports.settings
        try:
            ports.secrets.get(settings.secret_name("apollo"))
            return {"source": "apollo"}
        except NotFoundError:
            pass
        try:
            latest = ports.parameters.get(settings.parameter_name(LATEST_IMPORT)).value
        except NotFoundError:
            latest = None
    if latest:
        return {"source": "file", "file": latest}
    raise click.UsageError(
        "No company source: import a list with 'thera import FILE', or configure the Apollo "
        "key (secret thera/<env>/apollo), or pass --source/--file."
    )


def _reason(cause: str | None) -> str:
    """A Lambda error's message rather than its whole JSON cause."""
    try:
        return str(json.loads(cause or "")["errorMessage"])
    except (ValueError, KeyError, TypeError):
        return cause or ""


@click.command()
@click.argument("name", type=click.Choice(sorted(WORKFLOWS)))
@click.option("--date", default=None, help="The day to process (YYYY-MM-DD, default today).")
@click.option("--source", type=click.Choice(["apollo", "file"]), default=None,
              help="Where the companies come from (daily).")
@click.option("--file", "file_", default=None, help="With --source file: the import file.")
@click.option("--no-web", is_flag=True, help="Skip the domain health and scraping stages.")
@click.option("--input", "input_json", default=None, help="The whole run input as JSON.")
@click.option("--json", "as_json", is_flag=True, help="Print the execution as JSON.")
def run(
    name: str, date: str | None, source: str | None, file_: str | None, no_web: bool,
    input_json: str | None, as_json: bool,
) -> None:
    """Run workflow NAME locally through the same ASL that is deployed to AWS."""
    payload: dict[str, Any] = json.loads(input_json) if input_json else {}
    if name == "daily":
        if date:
            payload["date"] = date
        if source:
            payload["source"] = source
        if file_:
            payload["file"] = file_
            payload.setdefault("source", "file")
        if no_web:
            payload["web"] = False
        if "source" not in payload:
            payload.update(_default_source())
    definition = workflow(name).build().compile()
    engine = LocalEngine(
        functions=local_functions(), on_event=StageProgress(_console, quiet=as_json)
    )
    ex = engine.run(
        definition, payload, state_machine_name=f"thera-{name}",
        substitutions=local_substitutions(),
    )
    if as_json:
        click.echo(json.dumps({"name": ex.name, "status": ex.status, "output": ex.output,
                               "error": ex.error, "cause": ex.cause}, default=str))
    elif ex.status == "SUCCEEDED":
        _console.print(f"[bold green]{name} succeeded[/bold green] ({ex.name})")
    else:
        _console.print(f"[bold red]{name} {ex.status}[/bold red]: {ex.error}: {_reason(ex.cause)}")
    sys.exit(0 if ex.status == "SUCCEEDED" else 1)
