"""``thera health-check FILE``: the domain health gate on a list of domains, from a terminal.

One domain or http(s) URL per line (blank lines and ``#`` comments are skipped). ``--json``
prints one JSON object per line, in input order, as soon as it is known; otherwise a table is
printed at the end. A line that is not a domain or URL gets ``"status": "invalid"`` and an
``error`` saying why; the command carries on. A long list is checked over several processes
(``--processes``; by default one per 200 lines, up to one per CPU), each with its own event loop.

To check the loopback test web, start it with ``python -m thera_sdk.testweb --settings web.json``
and pass ``--testweb web.json`` (or set ``THERA_TESTWEB``): its nameserver, test CA and address
map are used, and the SSRF rules stay on.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import click

from thera_sdk._exceptions import ConfigurationError
from thera_sdk._loop import run
from thera_sdk.cli._network import network_options

__all__ = ["health_check"]


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        text = raw.strip()
        if text and not text.startswith("#"):
            yield number, text


def _render_table(rows: list[tuple[int, dict[str, Any]]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Domain health", show_lines=False)
    for name, justify in (("line", "right"), ("input", "left"), ("score", "right"),
                          ("flags", "left"), ("final URL / error", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for number, record in rows:
        score = record["score"]
        colour = "green" if score >= 80 else "yellow" if score >= 50 else "red"
        https, http = record.get("https") or {}, record.get("http") or {}
        detail = record.get("error") or https.get("final_url") or http.get("final_url") or ""
        status = record["status"]
        table.add_row(
            str(number),
            record["input"],
            f"[{colour}]{score}[/]" if status == "checked" else status,
            ", ".join(record["flags"]),
            detail,
        )
    console = Console()
    console.print(table)
    scores = [r["score"] for _, r in rows if r["status"] == "checked"]
    invalid = sum(1 for _, r in rows if r["status"] == "invalid")
    console.print(
        f"{len(rows)} lines: {sum(1 for s in scores if s >= 60)} healthy (score >= 60), "
        f"{sum(1 for s in scores if s < 60)} not, {invalid} invalid."
    )


def _processes(wanted: int | None, lines: int) -> int:
    """``--processes``, or one process per 200 lines up to one per core."""
    if wanted is not None:
        return wanted
    return max(1, min(os.cpu_count() or 1, lines // 200))


def _check(
    lines: list[tuple[int, str]],
    config: Any,
    processes: int,
    emit: Callable[[int, dict[str, Any]], None],
) -> None:
    """Call ``emit(line number, record)`` in input order as each record is known."""
    from tasks.domain_health._processes import check_in_processes

    texts = [text for _, text in lines]

    async def check_all() -> None:
        # An error in emit (a closed pipe, Ctrl-C) closes the generator: helpers stop at once.
        found = check_in_processes(texts, config, processes=processes)
        try:
            async for index, record in found:
                emit(lines[index][0], record)
        finally:
            await found.aclose()

    run(check_all())


@click.command("health-check")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@network_options
@click.option(
    "--concurrency",
    type=click.IntRange(1, 2000),
    default=100,
    show_default=True,
    help="Domains checked at once.",
)
@click.option(
    "--processes",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to check in, each with its own event loop (default: one per 200 lines, "
    "up to one per CPU).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(1, 120, min_open=False),
    default=None,
    help="Seconds allowed for one domain (default 25).",
)
def health_check(
    file: TextIO,
    nameservers: tuple[str, ...],
    allow_private_networks: bool,
    concurrency: int,
    as_json: bool,
    testweb: str | None,
    timeout: float | None,
    processes: int | None,
) -> None:
    """Check the domains or URLs in FILE (one per line, '-' for stdin): DNS, HTTP, HTTPS, TLS
    and content, with a score from 0 to 100 and flags."""
    from tasks.domain_health import build_config

    if allow_private_networks:
        click.echo(
            "warning: --allow-private-networks lets checks reach loopback, private and cloud "
            "metadata addresses; use it only on test networks.",
            err=True,
        )
    try:
        config = build_config(
            nameservers=list(nameservers) or None,
            allow_private_networks=allow_private_networks,
            testweb=testweb,
            concurrency=concurrency,
            options={"timeout_seconds": timeout} if timeout else None,
        )
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
    lines = list(_lines(file))
    rows: list[tuple[int, dict[str, Any]]] = []

    def emit(number: int, record: dict[str, Any]) -> None:
        if as_json:
            sys.stdout.write(json.dumps(dict(record, line=number), default=str) + "\n")
            sys.stdout.flush()
        else:
            rows.append((number, record))

    _check(lines, config, _processes(processes, len(lines)), emit)
    if not as_json:
        _render_table(rows)
