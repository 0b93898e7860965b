"""``thera scrape FILE``: scrape a list of sites from a terminal, directly or through Firecrawl.

One domain or http(s) URL per line (blank lines and ``#`` comments are skipped). ``--json``
prints one JSON object per input line, in input order, as soon as it is known; otherwise a table
is printed at the end. A line that is not a domain or URL gets ``"status": "invalid"`` and an
``error``; a line pointing into private space is ``failed`` with the flag
``blocked_private_address``. The command carries on either way.

``--backend direct`` (the default) fetches through the SSRF-safe client, respecting robots.txt.
``--backend firecrawl`` reads the key from ``FIRECRAWL_API_KEY`` or the secret
``thera/<env>/firecrawl``; each URL is still resolved and refused locally when it is not public
before Firecrawl is asked.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

import click

from thera_sdk._exceptions import ConfigurationError, TheraError
from thera_sdk._loop import run as run_async
from thera_sdk.cli._network import network_options
from thera_sdk.scrape import (
    DEFAULT_FIRECRAWL_URL,
    CreditBudget,
    DirectScraper,
    FirecrawlClient,
    FirecrawlScraper,
    HttpxFetcher,
    NetworkSettings,
    Outcome,
    ScrapeError,
    ScrapeFailure,
    Scraper,
    failure_from,
    parse_target,
)

__all__ = ["scrape"]

THIN_CONTENT_CHARS = 300  # below this much text a page says little about the company


def _lines(stream: TextIO) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        text = raw.strip()
        if text and not text.startswith("#"):
            yield number, text


def _record(number: int, text: str, outcome: Outcome | None, error: ScrapeError | None,
            with_markdown: bool) -> dict[str, Any]:
    record: dict[str, Any] = {"line": number, "input": text}
    if outcome is None:
        assert error is not None
        record.update(status="invalid", flags=[], error={"reason": error.reason,
                                                         "message": str(error)})
        return record
    record.update(domain=outcome.domain, url=outcome.url)
    if isinstance(outcome, ScrapeFailure):
        record.update(status="failed", flags=[outcome.reason],
                      error={"reason": outcome.reason, "message": outcome.message,
                             "retryable": outcome.retryable})
        return record
    parts = outcome.richness.as_dict()
    record.update(
        status="scraped",
        flags=["thin_content"] if outcome.richness.text_length < THIN_CONTENT_CHARS else [],
        error=None,
        final_url=outcome.final_url,
        status_code=outcome.status_code,
        title=outcome.title,
        description=outcome.description,
        richness=parts,
        markdown_chars=len(outcome.markdown),
        links=len(outcome.links),
        backend=outcome.backend,
        credits_used=outcome.credits_used,
    )
    if with_markdown:
        record["markdown"] = outcome.markdown
    return record


class _Guarded:
    """Refuse non-public targets locally before a remote scraper sees them."""

    backend = "firecrawl"

    def __init__(self, inner: Scraper, fetcher: HttpxFetcher) -> None:
        self._inner, self._fetcher = inner, fetcher

    async def scrape(self, target: Any, *, deadline: float | None = None) -> Any:
        await self._fetcher.check_public(target.url)
        return await self._inner.scrape(target, deadline=deadline)


def _firecrawl_key() -> str:
    key = os.environ.get("FIRECRAWL_API_KEY")
    if key:
        return key
    from thera_sdk import build_ports

    with build_ports() as ports:
        name = ports.settings.secret_name("firecrawl")
        try:
            found = ports.secrets.get(name).get("api_key")
        except TheraError as exc:
            raise click.UsageError(
                f"--backend firecrawl needs a key: set FIRECRAWL_API_KEY or store "
                f'{{"api_key": "fc-..."}} in secret {name!r} ({exc}).'
            ) from exc
    if not isinstance(found, str) or not found:
        raise click.UsageError(f'Secret {name!r} has no "api_key".')
    return found


async def _run(
    lines: list[tuple[int, str]],
    *,
    network: NetworkSettings,
    backend: str,
    concurrency: int,
    timeout: float,
    credit_budget: int | None,
    as_json: bool,
    with_markdown: bool,
) -> list[dict[str, Any]]:
    fetcher = network.fetcher()
    client: FirecrawlClient | None = None
    scraper: Scraper
    if backend == "firecrawl":
        client = FirecrawlClient(
            _firecrawl_key(),
            base_url=os.environ.get("THERA_FIRECRAWL_URL") or DEFAULT_FIRECRAWL_URL,
            budget=CreditBudget(credit_budget),
        )
        scraper = _Guarded(FirecrawlScraper(client), fetcher)
    else:
        scraper = DirectScraper(fetcher, timeout=timeout)
    gate = asyncio.Semaphore(concurrency)

    async def one(number: int, text: str) -> dict[str, Any]:
        try:
            target = parse_target(text)
        except ScrapeError as exc:
            if exc.reason == "invalid_url":
                return _record(number, text, None, exc, with_markdown)
            return _record(number, text, ScrapeFailure(text, text, exc.reason, str(exc),
                                                       exc.retryable), None, with_markdown)
        async with gate:
            try:
                outcome: Outcome = await scraper.scrape(target)
            except ScrapeError as exc:
                outcome = failure_from(target, exc)
        return _record(number, text, outcome, None, with_markdown)

    records: list[dict[str, Any]] = []
    try:
        tasks = [asyncio.ensure_future(one(number, text)) for number, text in lines]
        for task in tasks:  # in input order, each printed as soon as it and those before are done
            record = await task
            if as_json:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
                sys.stdout.flush()
            records.append(record)
    finally:
        if client is not None:
            await client.aclose()
        await fetcher.aclose()
    return records


def _render_table(records: list[dict[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Scrape")
    for name, justify in (("line", "right"), ("input", "left"), ("richness", "right"),
                          ("title / error", "left")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for record in records:
        if record["status"] == "scraped":
            score = record["richness"]["score"]
            colour = "green" if score >= 60 else "yellow" if score >= 30 else "red"
            table.add_row(str(record["line"]), record["input"], f"[{colour}]{score}[/]",
                          record["title"] or "(no title)")
        else:
            error = record["error"]
            table.add_row(str(record["line"]), record["input"], record["status"],
                          f"{error['reason']}: {error['message'][:120]}")
    console = Console()
    console.print(table)
    scraped = sum(1 for r in records if r["status"] == "scraped")
    console.print(f"{len(records)} lines: {scraped} scraped, {len(records) - scraped} not.")


@click.command("scrape")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@network_options
@click.option(
    "--backend",
    type=click.Choice(["direct", "firecrawl"]),
    default="direct",
    show_default=True,
    help="Fetch the pages ourselves, or through Firecrawl (needs a key).",
)
@click.option(
    "--concurrency", type=click.IntRange(1, 256), default=8, show_default=True,
    help="Pages fetched at once.",
)
@click.option(
    "--timeout", type=click.FloatRange(1, 300), default=15.0, show_default=True,
    help="Seconds allowed for one page (direct backend).",
)
@click.option(
    "--credit-budget", type=click.IntRange(0), default=None,
    help="Firecrawl credits this command may spend (no limit by default).",
)
@click.option("--markdown", "with_markdown", is_flag=True,
              help="Include each page's markdown in the JSON output.")
def scrape(
    file: TextIO,
    backend: str,
    nameservers: tuple[str, ...],
    allow_private_networks: bool,
    as_json: bool,
    testweb: str | None,
    concurrency: int,
    timeout: float,
    credit_budget: int | None,
    with_markdown: bool,
) -> None:
    """Scrape the domains or URLs in FILE (one per line, '-' for stdin) to markdown, with a
    content-richness score and its parts."""
    if allow_private_networks:
        click.echo(
            "warning: --allow-private-networks lets the scraper reach loopback, private and "
            "cloud metadata addresses; use it only on test networks.",
            err=True,
        )
    try:
        network = NetworkSettings(tuple(nameservers), allow_private_networks, testweb)
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
    lines = list(_lines(file))
    try:
        records = run_async(_run(
            lines, network=network, backend=backend, concurrency=concurrency, timeout=timeout,
            credit_budget=credit_budget, as_json=as_json, with_markdown=with_markdown,
        ))
    except ConfigurationError as exc:
        raise click.UsageError(str(exc)) from exc
    if not as_json:
        _render_table(records)
