"""The ``thera`` command: one module per command (or group), registered here."""

from __future__ import annotations

import click

from ._build import build
from ._demo import demo
from ._deploy import deploy
from ._execute import execute
from ._health import health_check
from ._import import import_
from ._match import match
from ._records import runs, startups
from ._run import run
from ._scrape import scrape
from ._workflows import workflows


@click.group()
@click.version_option(package_name="thera")
def main() -> None:
    """Thera: find the startups that fit a corporate challenge."""


main.add_command(demo)
main.add_command(execute)
main.add_command(health_check)
main.add_command(import_)
main.add_command(match)
main.add_command(runs)
main.add_command(startups)
main.add_command(run)
main.add_command(scrape)
main.add_command(build)
main.add_command(deploy)
main.add_command(workflows)

__all__ = ["main"]
