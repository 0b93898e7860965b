"""``thera run WORKFLOW``: run a workflow on the local engine, with a live line per stage."""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from thera_sdk import NotFoundError, build_ports
from thera_sdk._runs_local import RunStore
from thera_sdk.cli._import import LATEST_IMPORT
from thera_sdk.cli._progress import StageProgress
from thera_sdk.local import LocalEngine
from workflows.catalog import WORKFLOWS, workflow
from workflows.functions import local_functions, local_substitutions

_console = Console(stderr=True)


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
@click.option(
    "--source",
    type=click.Choice(["apollo", "file"]),
    default=None,
    help="Where the companies come from (daily).",
)
@click.option("--file", "file_", default=None, help="With --source file: the import file.")
@click.option("--no-web", is_flag=True, help="Skip the domain health and scraping stages.")
@click.option("--input", "input_json", default=None, help="The whole run input as JSON.")
@click.option("--json", "as_json", is_flag=True, help="Print the execution as JSON.")
def run(
    name: str,
    date: str | None,
    source: str | None,
    file_: str | None,
    no_web: bool,
    input_json: str | None,
    as_json: bool,
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
    progress = StageProgress(_console, quiet=as_json)
    engine = LocalEngine(functions=local_functions(), on_event=progress)
    machine = f"thera-{name}"
    run_name = str(uuid.uuid4())
    prefix = f"arn:aws:states:{engine.region}:{engine.account_id}"
    arn = f"{prefix}:execution:{machine}:{run_name}"
    # Recorded like the SDK's local runs, so 'thera runs list/show' see this one too.
    store = RunStore(Path(os.environ.get("THERA_HOME", ".thera")) / "runs.sqlite3")
    store.insert(arn, run_name, machine, f"{prefix}:stateMachine:{machine}",
                 json.dumps(payload), time.time())
    try:
        ex = engine.run(
            definition, payload, name=run_name, state_machine_name=machine,
            substitutions=local_substitutions(),
        )
    except BaseException:
        store.delete(arn)
        raise
    finally:
        progress.close()
    store.finish(arn, ex)
    if as_json:
        click.echo(json.dumps(ex.summary(), default=str))
    elif ex.status == "SUCCEEDED":
        _console.print(f"[bold green]{name} succeeded[/bold green] ({ex.name})")
    else:
        _console.print(f"[bold red]{name} {ex.status}[/bold red]: {ex.error}: {_reason(ex.cause)}")
    sys.exit(0 if ex.status == "SUCCEEDED" else 1)
