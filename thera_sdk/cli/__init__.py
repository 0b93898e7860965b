"""The ``thera`` command: one module per command (or group), registered here."""

from __future__ import annotations

import click

from ._demo import demo
from ._execute import execute


@click.group()
@click.version_option(package_name="thera")
def main() -> None:
    """Thera: find the startups that fit a corporate challenge."""


main.add_command(demo)
main.add_command(execute)

__all__ = ["main"]
