"""The scrape stage, over the ports: targets in, silver rows, raw records and failures out.

The scraping itself is :mod:`thera_sdk.scrape`; here live the choice of backend, the record
of failed domains (retried on later runs), and the shapes written.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from tasks._lines import read_target_lines
from thera_sdk import ConditionFailedError, Ports, ValidationError
from thera_sdk.scrape import (
    CircuitBreaker,
    CreditBudget,
    DirectScraper,
    FirecrawlClient,
    FirecrawlScraper,
    NetworkSettings,
    Outcome,
    ScrapeError,
    ScrapeFailure,
    ScrapeOptions,
    ScrapeResult,
    Target,
    failure_from,
    parse_target,
    scrape_all,
)
from thera_sdk.storage import TableSpec, partition_prefix, write_jsonl, write_parquet

__all__ = [
    "FAILURES_DATASET",
    "FAILURES_TABLE",
    "FAILURE_SCHEMA",
    "SILVER_DATASET",
    "SILVER_SCHEMA",
    "FailureLog",
    "ScrapeConfig",
    "batch_name",
    "failures_table",
    "plan_targets",
    "raw_records",
    "read_source",
    "scrape_direct",
    "scrape_firecrawl",
    "silver_table",
    "summary",
    "write_outputs",
]

SILVER_DATASET = "silver/scrape"
FAILURES_DATASET = "silver/scrape_failures"
FAILURES_TABLE = TableSpec("scrape_failures", "domain")

SILVER_SCHEMA = pa.schema(
    [
        ("domain", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("status_code", pa.int32()),
        ("title", pa.string()),
        ("description", pa.string()),
        ("markdown", pa.string()),
        ("links", pa.list_(pa.string())),
        ("backend", pa.string()),
        ("credits_used", pa.int32()),
        ("richness", pa.int32()),
        ("richness_text_length", pa.int64()),
        ("richness_headings", pa.int32()),
        ("richness_links", pa.int32()),
        ("richness_internal_links", pa.int32()),
        ("richness_product", pa.bool_()),
        ("richness_pricing", pa.bool_()),
        ("richness_team", pa.bool_()),
        ("richness_customers", pa.bool_()),
        ("scraped_at", pa.string()),
    ]
)
FAILURE_SCHEMA = pa.schema(
    [
        ("domain", pa.string()),
        ("url", pa.string()),
        ("reason", pa.string()),
        ("message", pa.string()),
        ("retryable", pa.bool_()),
        ("backend", pa.string()),
        ("failed_at", pa.string()),
    ]
)


@dataclass(frozen=True)
class ScrapeConfig:
    """One run's settings, from the event (``schemas/firecrawl_scrape_event.json``)."""

    day: str
    batch_id: str | None
    backend: str  # "firecrawl", "direct" or "auto" (firecrawl when a key is stored)
    credit_budget: int
    batch: bool
    retry_failed: bool
    max_attempts: int
    max_retries: int
    concurrency: int

    @classmethod
    def from_event(cls, event: Mapping[str, Any], *, today: str) -> ScrapeConfig:
        """Read a validated event.

        Examples
        --------
        >>> ScrapeConfig.from_event({"backend": "direct"}, today="2026-01-01").credit_budget
        1000
        """
        return cls(
            day=event.get("date") or today,
            batch_id=event.get("batch_id"),
            backend=event.get("backend", "auto"),
            credit_budget=int(event.get("credit_budget", 1000)),
            batch=bool(event.get("batch", True)),
            retry_failed=bool(event.get("retry_failed", True)),
            max_attempts=int(event.get("max_attempts", 5)),
            max_retries=int(event.get("max_retries", 10)),
            concurrency=int(event.get("concurrency", 8)),
        )


def read_source(data: bytes, key: str) -> list[str]:
    """Input lines from an object: Parquet with a ``domain`` column, JSONL objects with
    ``domain`` or ``url``, or one domain per line.

    Examples
    --------
    >>> read_source(b'acme.io\\n{"url": "https://x.io/"}\\n\\n', "in.txt")
    ['acme.io', 'https://x.io/']
    """
    if key.endswith(".parquet"):
        table = pq.read_table(io.BytesIO(data))
        if "domain" not in table.column_names:
            raise ValidationError(f"{key} has no 'domain' column to scrape.")
        return [str(v) for v in table.column("domain").to_pylist() if v]
    return read_target_lines(data, key)


class FailureLog:
    """Failed domains with their reasons, in the tables port; retryable ones come back."""

    def __init__(self, ports: Ports) -> None:
        self._tables = ports.tables
        self.table = ports.settings.table_name(FAILURES_TABLE.name)
        if ports.settings.backend == "local":  # on AWS the stack creates it
            self._tables.create_table(TableSpec(self.table, FAILURES_TABLE.partition_key))

    def claim_retries(self, day: str, batch: str, *, max_attempts: int, limit: int) -> list[str]:
        """URLs of up to ``limit`` failed domains worth another try, each claimed for this
        batch: when a run fans out over many batches, every failure is retried by one of them,
        once a day (a re-run of the same batch claims the same ones again)."""
        if limit <= 0:
            return []
        items = self._tables.scan_all(
            self.table, filter="retryable = :yes AND attempts < :max",
            values={":yes": True, ":max": max_attempts},
        )
        claimed: list[str] = []
        for item in items:
            if len(claimed) >= limit:
                break
            try:
                self._tables.update_item(
                    self.table, {"domain": item["domain"]},
                    "SET retry_day = :d, retry_batch = :b",
                    condition="attribute_not_exists(retry_day) OR retry_day <> :d "
                    "OR retry_batch = :b",
                    values={":d": day, ":b": batch},
                )
            except ConditionFailedError:
                continue  # another batch of this run retries it
            claimed.append(str(item["url"]))
        return claimed

    def record(self, item: ScrapeFailure, backend: str, day: str) -> None:
        """Remember a failure (counting attempts)."""
        self._tables.update_item(
            self.table,
            {"domain": item.domain},
            "SET #u = :u, reason = :r, message = :m, retryable = :t, backend = :b, "
            "last_date = :d, first_date = if_not_exists(first_date, :d) ADD attempts :one",
            names={"#u": "url"},
            values={
                ":u": item.url,
                ":r": item.reason,
                ":m": item.message[:1000],
                ":t": item.retryable,
                ":b": backend,
                ":d": day,
                ":one": Decimal(1),
            },
        )

    def clear(self, domain: str) -> None:
        """Forget a domain's failure (it was scraped)."""
        self._tables.delete_item(self.table, {"domain": domain})


def plan_targets(
    lines: Sequence[str], retry: Iterable[str]
) -> tuple[list[Target], list[ScrapeFailure], int]:
    """Targets from the event's lines plus earlier failures (each domain once), the lines
    that are not targets (as failures), and how many retries were added.

    Examples
    --------
    >>> targets, bad, retried = plan_targets(["acme.io", "ftp://x", "acme.io"], ["b.io"])
    >>> [t.domain for t in targets], [f.reason for f in bad], retried
    (['acme.io', 'b.io'], ['blocked_private_address'], 1)
    """
    targets: dict[str, Target] = {}
    invalid: list[ScrapeFailure] = []
    for line in lines:
        try:
            target = parse_target(line)
        except ScrapeError as exc:
            invalid.append(
                ScrapeFailure(
                    line.strip()[:200], line.strip()[:2000], exc.reason, str(exc), exc.retryable
                )
            )
            continue
        targets.setdefault(target.domain, target)
    before = len(targets)
    for line in retry:
        try:
            target = parse_target(line)
        except ScrapeError:
            continue
        targets.setdefault(target.domain, target)
    return list(targets.values()), invalid, len(targets) - before


async def scrape_direct(
    network: NetworkSettings,
    targets: Sequence[Target],
    *,
    deadline: float | None,
    concurrency: int,
) -> list[Outcome]:
    """Scrape with the direct scraper over the SSRF-safe client."""
    fetcher = network.fetcher()
    try:
        return await scrape_all(
            DirectScraper(fetcher), targets, deadline=deadline, concurrency=concurrency
        )
    finally:
        await fetcher.aclose()


async def scrape_firecrawl(
    api_key: str,
    targets: Sequence[Target],
    *,
    network: NetworkSettings,
    budget: CreditBudget,
    deadline: float,
    batch: bool,
    concurrency: int,
    base_url: str,
    breaker: CircuitBreaker | None = None,
) -> list[Outcome]:
    """Scrape with Firecrawl: refuse private targets first, keep within the credit budget, and
    return one outcome per target, in order."""
    outcomes: dict[str, Outcome] = {}
    gate = asyncio.Semaphore(concurrency)
    fetcher = network.fetcher()

    async def public(target: Target) -> bool:
        async with gate:
            try:
                await fetcher.check_public(target.url)
            except ScrapeError as exc:
                outcomes[target.url] = failure_from(target, exc)
                return False
        return True

    try:
        checks = await asyncio.gather(*(public(t) for t in targets))
    finally:
        await fetcher.aclose()
    allowed = [t for t, ok in zip(targets, checks, strict=True) if ok]
    async with FirecrawlClient(
        api_key, base_url=base_url, budget=budget, breaker=breaker
    ) as client:
        affordable = allowed if budget.remaining is None else allowed[: max(0, budget.remaining)]
        for target in allowed[len(affordable) :]:
            outcomes[target.url] = ScrapeFailure(
                target.domain,
                target.url,
                "budget_exhausted",
                f"This run's credit budget ({budget.limit}) is spent; retried on the next run.",
                True,
            )
        if batch and len(affordable) > 1:
            try:
                done = await client.batch_scrape(
                    affordable, deadline=deadline, options=ScrapeOptions()
                )
                found: list[Outcome] = [*done.results, *done.failures]
            except ScrapeError as exc:  # the whole job failed: every target waits
                found = [failure_from(t, exc) for t in affordable]
        else:
            found = await scrape_all(
                FirecrawlScraper(client), affordable, deadline=deadline, concurrency=concurrency
            )
        outcomes.update({o.url: o for o in found})
    return [outcomes[t.url] for t in targets]


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def silver_table(results: Sequence[ScrapeResult], *, scraped_at: str | None = None) -> pa.Table:
    """Scraped pages as rows of :data:`SILVER_SCHEMA`."""
    when = scraped_at or _now_iso()
    rows = [{**r.as_row(), "scraped_at": when} for r in results]
    return pa.Table.from_pylist(rows, schema=SILVER_SCHEMA)


def failures_table(
    failures: Sequence[ScrapeFailure], backend: str, *, failed_at: str | None = None
) -> pa.Table:
    """Failed targets as rows of :data:`FAILURE_SCHEMA`."""
    when = failed_at or _now_iso()
    rows = [{**f.as_dict(), "backend": backend, "failed_at": when} for f in failures]
    return pa.Table.from_pylist(rows, schema=FAILURE_SCHEMA)


def raw_records(outcomes: Sequence[Outcome], backend: str) -> list[dict[str, Any]]:
    """One raw record per outcome: the service's answer, or the error."""
    when = _now_iso()
    records = []
    for outcome in outcomes:
        record: dict[str, Any] = {
            "domain": outcome.domain,
            "url": outcome.url,
            "backend": backend,
            "fetched_at": when,
        }
        if isinstance(outcome, ScrapeResult):
            record["response"] = outcome.raw
        else:
            record["error"] = {"reason": outcome.reason, "message": outcome.message}
        records.append(record)
    return records


def batch_name(config: ScrapeConfig, targets: Sequence[Target]) -> str:
    """The part name of this run's files: the event's batch id, else a hash of the targets
    (the same input rewrites the same files, so a re-run is idempotent)."""
    if config.batch_id:
        return config.batch_id
    digest = hashlib.sha256("\n".join(sorted(t.url for t in targets)).encode()).hexdigest()
    return f"h{digest[:16]}"


def write_outputs(
    ports: Ports, config: ScrapeConfig, backend: str, part: str, outcomes: Sequence[Outcome]
) -> dict[str, str]:
    """Write silver pages, failures and raw records; return their keys."""
    bucket, day = ports.settings.data_bucket, config.day
    results = [o for o in outcomes if isinstance(o, ScrapeResult)]
    failed = [o for o in outcomes if isinstance(o, ScrapeFailure)]
    keys = {
        "silver": f"{partition_prefix(SILVER_DATASET, day)}part-{part}.parquet",
        "failures": f"{partition_prefix(FAILURES_DATASET, day)}part-{part}.parquet",
        "raw": f"{partition_prefix(f'raw/{backend}', day)}part-{part}.jsonl.gz",
    }
    write_parquet(ports.objects, bucket, keys["silver"], silver_table(results))
    write_parquet(ports.objects, bucket, keys["failures"], failures_table(failed, backend))
    write_jsonl(ports.objects, bucket, keys["raw"], raw_records(outcomes, backend))
    return keys


def summary(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """Counts by outcome and by failure reason."""
    reasons = Counter(o.reason for o in outcomes if isinstance(o, ScrapeFailure))
    scraped = [o for o in outcomes if isinstance(o, ScrapeResult)]
    return {
        "scraped": len(scraped),
        "failed": sum(reasons.values()),
        "failure_reasons": dict(sorted(reasons.items())),
        "credits_used": sum(o.credits_used for o in scraped),
    }
