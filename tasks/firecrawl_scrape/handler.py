"""The scrape Lambda: a batch of domains in, silver pages, raw records and failures out.

Event (``schemas/firecrawl_scrape_event.json``)::

    {"date": "2026-01-31", "batch_id": "b0007", "domains": ["acme.io", "https://x.io/"],
     "backend": "auto", "credit_budget": 500}

Lines come inline (``domains``) or from an object of the data bucket (``source.key``: one line
per domain, JSONL with ``domain``/``url``, or Parquet with a ``domain`` column). Up to
``max_retries`` domains that failed on earlier runs with a retryable reason are added (each
claimed by one batch a day, so a fanned-out run retries each once; at most ``max_attempts``
tries in all).
``backend`` ``auto`` uses Firecrawl when the secret ``thera/<env>/firecrawl`` holds an
``api_key``, else the direct scraper; ``THERA_FIRECRAWL_URL`` points the client elsewhere.
Network settings of the direct scraper come from the environment only (see
:class:`thera_sdk.scrape.NetworkSettings`). Files:

* ``silver/scrape/date=D/part-<batch>.parquet``: one row per scraped page (markdown, title,
  description, richness and its parts);
* ``silver/scrape_failures/date=D/part-<batch>.parquet``: failed targets with their reasons;
* ``raw/<backend>/date=D/part-<batch>.jsonl.gz``: the answers as received.

Without a ``batch_id`` the part name is a hash of the targets, so a re-run rewrites its files.
Returns counts and keys (``schemas/firecrawl_scrape_result.json``).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from tasks._ports import default_ports
from tasks.firecrawl_scrape import logic
from thera_sdk import ConfigurationError, Ports, SecretNotFoundError
from thera_sdk._loop import run as run_async
from thera_sdk.match import validate_event
from thera_sdk.scrape import DEFAULT_FIRECRAWL_URL, CreditBudget, NetworkSettings, Outcome

__all__ = ["handler"]

_SAFETY_MS = 20_000  # kept back to write the files and record failures




def _deadline(context: Any) -> float:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    budget_ms = remaining() - _SAFETY_MS if remaining is not None else 600_000
    return time.monotonic() + max(0, budget_ms) / 1000


def _firecrawl_key(ports: Ports, backend: str) -> str | None:
    """The Firecrawl key, or ``None`` when ``auto`` finds none (then scrape directly)."""
    if backend == "direct":
        return None
    name = ports.settings.secret_name("firecrawl")
    try:
        key = ports.secrets.get(name).get("api_key")
    except SecretNotFoundError:
        if backend == "auto":
            return None
        raise
    if isinstance(key, str) and key:
        return key
    if backend == "auto":
        return None
    raise ConfigurationError(
        f'Secret {name!r} has no "api_key"; store {{"api_key": "fc-..."}} or use backend direct.'
    )


def handler(
    event: dict[str, Any],
    context: Any = None,
    *,
    ports: Ports | None = None,
    network: NetworkSettings | None = None,
) -> dict:
    """Scrape a batch of domains and return counts and keys.

    Examples
    --------
    >>> handler({"domains": ["healthy.test"], "backend": "direct"}, context,
    ...         ports=ports)["scraped"]  # doctest: +SKIP
    1
    """
    validate_event(event, "firecrawl_scrape_event", what="The event")
    ports = ports or default_ports()
    network = network or NetworkSettings.from_env()
    today = dt.datetime.now(dt.UTC).date().isoformat()
    config = logic.ScrapeConfig.from_event(event, today=today)
    if "domains" in event:
        lines = list(event["domains"])
    else:
        key = event["source"]["key"]
        lines = logic.read_source(ports.objects.get(ports.settings.data_bucket, key), key)
    failures = logic.FailureLog(ports)
    part = logic.batch_name(config, logic.plan_targets(lines, [])[0])
    retry = []
    if config.retry_failed:
        retry = failures.claim_retries(config.day, part, max_attempts=config.max_attempts,
                                       limit=config.max_retries)
    targets, invalid, retried = logic.plan_targets(lines, retry)
    api_key = _firecrawl_key(ports, config.backend)
    backend = "firecrawl" if api_key else "direct"
    budget = CreditBudget(config.credit_budget)
    deadline = _deadline(context)

    async def scrape() -> list[Outcome]:
        if api_key:
            return await logic.scrape_firecrawl(
                api_key, targets, network=network, budget=budget, deadline=deadline,
                batch=config.batch, concurrency=config.concurrency,
                base_url=os.environ.get("THERA_FIRECRAWL_URL") or DEFAULT_FIRECRAWL_URL,
            )
        return await logic.scrape_direct(network, targets, deadline=deadline,
                                         concurrency=config.concurrency)

    outcomes: list[Outcome] = [*invalid, *run_async(scrape())]
    keys = logic.write_outputs(ports, config, backend, part, outcomes)
    for outcome in outcomes[len(invalid):]:
        if isinstance(outcome, logic.ScrapeFailure):
            failures.record(outcome, backend, config.day)
        else:
            failures.clear(outcome.domain)

    counts = logic.summary(outcomes)
    dimensions = {"Task": "firecrawl_scrape", "Backend": backend}
    ports.metrics.put_metric("PagesScraped", counts["scraped"], "Count", dimensions)
    ports.metrics.put_metric("ScrapeFailures", counts["failed"], "Count", dimensions)
    ports.metrics.put_metric("ScrapeCreditsUsed", budget.spent, "Count", dimensions)
    result = {
        "date": config.day,
        "batch_id": part,
        "backend": backend,
        "targets": len(targets) + len(invalid),
        "retried": retried,
        **counts,
        "credits_used": budget.spent,
        "credit_budget": config.credit_budget,
        "bucket": ports.settings.data_bucket,
        "keys": keys,
    }
    validate_event(result, "firecrawl_scrape_result", what="The result")
    return result
