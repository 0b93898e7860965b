"""``thera workflows``: look at the workflows the stack deploys."""

from __future__ import annotations

import click


@click.group()
def workflows() -> None:
    """List the workflows or draw one."""


@workflows.command("list")
def list_workflows() -> None:
    """Print each workflow's name and schedule."""
    from thera_sdk.deploy import load_workflows

    for workflow in load_workflows():
        click.echo(f"{workflow.name}\t{workflow.schedule or 'on demand'}")


@workflows.command()
@click.argument("name")
def graph(name: str) -> None:
    """Print a Mermaid flowchart of workflow NAME (Map and Parallel as subgraphs)."""
    from thera_sdk.deploy import find_workflow, mermaid

    try:
        workflow = find_workflow(name)
    except KeyError as exc:
        raise click.ClickException(str(exc.args[0])) from exc
    click.echo(mermaid(workflow.compile(), title=workflow.name))
