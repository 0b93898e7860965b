"""The scrape task: Firecrawl (batch or single, with breaker, backoff and a credit budget) or
the direct scraper; silver pages with richness, raw answers, and failures retried next run.

``handler`` is the Lambda entry point; ``logic`` wires :mod:`thera_sdk.scrape` to the ports.
"""

from tasks.firecrawl_scrape.handler import handler
from tasks.firecrawl_scrape.logic import (
    FAILURE_SCHEMA,
    FAILURES_DATASET,
    FAILURES_TABLE,
    SILVER_DATASET,
    SILVER_SCHEMA,
    FailureLog,
    ScrapeConfig,
    batch_name,
    failures_table,
    plan_targets,
    raw_records,
    read_source,
    scrape_direct,
    scrape_firecrawl,
    silver_table,
    summary,
    write_outputs,
)

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
    "handler",
    "plan_targets",
    "raw_records",
    "read_source",
    "scrape_direct",
    "scrape_firecrawl",
    "silver_table",
    "summary",
    "write_outputs",
]
