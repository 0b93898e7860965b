"""Options shared by the commands that reach the network (health-check, scrape)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def network_options(command: F) -> F:
    """Add ``--nameserver``, ``--allow-private-networks``, ``--testweb`` and ``--json``."""
    options = [
        click.option(
            "--nameserver",
            "nameservers",
            multiple=True,
            metavar="HOST:PORT",
            help="DNS server to ask (repeatable); the system's resolvers by default.",
        ),
        click.option(
            "--allow-private-networks",
            is_flag=True,
            help="Allow loopback, private and metadata addresses. For tests and the local "
            "demo only.",
        ),
        click.option("--json", "as_json", is_flag=True, help="One JSON object per input line."),
        click.option(
            "--testweb",
            type=click.Path(dir_okay=False),
            envvar="THERA_TESTWEB",
            help="Settings file of a running loopback test web (python -m thera_sdk.testweb).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command
