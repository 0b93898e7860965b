"""The domain health Lambda: a batch of domains in, one silver row per domain out.

Event (``schemas/domain_health_event.json``)::

    {"date": "2025-01-31", "batch_id": "b0007", "domains": ["acme.com", "https://x.io/"],
     "options": {"concurrency": 100}}

Lines come inline (``domains``) or from an object of the data bucket (``source.key``: one line
per domain, or JSONL with a ``domain`` or ``url`` field). Rows go to
``<dataset>/date=<date>/`` (``silver/domain_health`` by default): ``part-<batch_id>.parquet``
when a batch id is given (a re-run replaces only that file), else the whole day is replaced.
Checks stop starting when the Lambda's remaining time could not finish them; those lines are
written as ``skipped``. Network settings come from the environment (see
:mod:`tasks.domain_health._settings`). Returns ``schemas/domain_health_result.json``.
"""

from __future__ import annotations

import collections
import time
from typing import Any

from tasks._lines import read_target_lines
from tasks._ports import default_ports
from tasks.domain_health._rows import to_table
from tasks.domain_health._settings import config_from_env
from tasks.domain_health.logic import check_domains
from thera_sdk import Ports
from thera_sdk._loop import run as run_async
from thera_sdk._schemas import check
from thera_sdk.storage import partition_prefix, write_parquet, write_partition

__all__ = ["DATASET", "HEALTHY_SCORE", "handler", "read_lines"]

DATASET = "silver/domain_health"
HEALTHY_SCORE = 60  # at or above: the domain goes on to scraping
_SAFETY_MS = 15_000  # time kept back to write the rows


# The targets of a batch read from an object (shared with the scrape stage).
read_lines = read_target_lines


def _deadline(context: Any) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return time.monotonic() + max(0, remaining() - _SAFETY_MS) / 1000


def _write(ports: Ports, event: dict[str, Any], table: Any) -> list[str]:
    bucket = ports.settings.data_bucket
    dataset = event.get("dataset", DATASET)
    batch = event.get("batch_id")
    if batch:
        key = f"{partition_prefix(dataset, event['date'])}part-{batch}.parquet"
        write_parquet(ports.objects, bucket, key, table)
        return [key]
    return write_partition(ports.objects, bucket, dataset, event["date"], table)


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    """Check a batch of domains, write the rows, return counts and keys.

    Examples
    --------
    >>> handler({"date": "2025-01-31", "domains": ["nxdomain.test"]}, ports=ports)["flags"]
    ... # doctest: +SKIP
    {'dns_fail': 1}
    """
    started = time.perf_counter()
    check("domain_health_event", event)
    ports = ports or default_ports()
    config = config_from_env(options=event.get("options"))
    if "domains" in event:
        lines = list(event["domains"])
    else:
        lines = read_lines(ports.objects.get(ports.settings.data_bucket, event["source"]["key"]))
    records = run_async(check_domains(lines, config, deadline=_deadline(context)))
    keys = _write(ports, event, to_table(records))

    flags = collections.Counter(flag for r in records for flag in r["flags"])
    statuses = collections.Counter(r["status"] for r in records)
    checked = [r for r in records if r["status"] != "skipped"]
    healthy = sum(1 for r in checked if r["status"] == "checked" and r["score"] >= HEALTHY_SCORE)
    ports.metrics.put_metric("DomainsChecked", len(checked), "Count", {"Task": "domain_health"})
    ports.metrics.put_metric("DomainsHealthy", healthy, "Count", {"Task": "domain_health"})
    result = {
        "date": event["date"],
        "batch_id": event.get("batch_id"),
        "checked": len(checked),
        "healthy": healthy,
        "unhealthy": len(checked) - healthy - statuses["invalid"],
        "invalid": statuses["invalid"],
        "blocked": flags["blocked_private_address"],
        "skipped": statuses["skipped"],
        "flags": dict(sorted(flags.items())),
        "bucket": ports.settings.data_bucket,
        "keys": keys,
        "complete": statuses["skipped"] == 0,
        "elapsed_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    check("domain_health_result", result)
    return result
