"""``thera build``: compile the workflows to ASL and render the CloudFormation stack."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("build"),
    show_default=True,
    help="Output folder: asl/, cloudformation/, sql/ddl/ (and lambda/ with --package).",
)
@click.option("--package", is_flag=True, help="Also build the functions' zip (lambda/).")
@click.option(
    "--dependencies",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of Lambda-platform packages (pip install --target) to put in the zip.",
)
@click.option(
    "--update-checked-in",
    is_flag=True,
    help="Also refresh cloudformation/thera.json and sql/ddl/ in the checkout.",
)
def build(out: Path, package: bool, dependencies: Path | None, update_checked_in: bool) -> None:
    """Write build/asl/<workflow>.json and the rendered stack template."""
    from thera_sdk.deploy import build as run_build

    if dependencies is not None and not package:
        raise click.UsageError("--dependencies only makes sense with --package.")
    try:
        result = run_build(
            out, package=package, dependencies=dependencies, update_checked_in=update_checked_in
        )
    except (ValueError, KeyError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc
    for path in result.files:
        click.echo(str(path))
    if result.package is not None:
        size = result.package.unzipped_size / 2**20
        click.echo(f"zip sha256 {result.package.sha256} ({size:.1f} MB unzipped)")
