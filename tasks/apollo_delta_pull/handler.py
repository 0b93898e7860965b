"""The Apollo delta pull Lambda: pull pages until the pass is done or the run must stop.

Event (``schemas/apollo_delta_pull_event.json``), every field optional::

    {"date": "2026-01-31", "run_id": "daily-2026-01-31",
     "universe": {"locations": ["Germany"], "keyword_tags": ["fintech"]},
     "quota": {"per_minute": 50, "per_hour": 200, "per_day": 600}, "workers": 8}

The key comes from the secret ``thera/<env>/apollo``; without a ``universe`` in the event the
one stored in parameter ``/thera/<env>/apollo/universe`` is used. ``THERA_APOLLO_URL`` points
the client elsewhere (a test server). The run stops taking new pages 15 s before the Lambda's
deadline. Returns counts and the day's key prefixes (``schemas/apollo_delta_pull_result.json``);
``status`` says whether the pass is complete or why the run stopped.
"""

from __future__ import annotations

import time
from typing import Any

from tasks._ports import default_ports
from tasks.apollo_delta_pull import logic
from thera_sdk import Ports
from thera_sdk.match import validate_event

__all__ = ["handler"]

_SAFETY_MS = 15_000  # time kept back to finish the page in flight and return




def _deadline(context: Any, now: float) -> float | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return None
    return now + max(0, remaining() - _SAFETY_MS) / 1000


def handler(event: dict[str, Any], context: Any = None, *, ports: Ports | None = None) -> dict:
    """Run one delta pull and return its counts and keys.

    Examples
    --------
    >>> handler({"universe": {"locations": ["Germany"]}}, context, ports=ports)["status"]
    ... # doctest: +SKIP
    'quota_exhausted'
    """
    validate_event(event, "apollo_delta_pull_event", what="The event")
    ports = ports or default_ports()
    now = time.time()
    config = logic.PullConfig.from_event(
        event, now=now, request_id=getattr(context, "aws_request_id", None) or f"local-{now:.0f}"
    )
    universe = logic.load_universe(ports, config)
    logic.ensure_tables(ports)
    puller, client = logic.make_puller(ports, logic.api_key(ports), config, universe)
    try:
        report = puller.run(deadline=_deadline(context, now))
    finally:
        client.close()
    dimensions = {"Task": "apollo_delta_pull"}
    ports.metrics.put_metric("ApolloPages", report.pages, "Count", dimensions)
    ports.metrics.put_metric("ApolloCompaniesNew", report.new, "Count", dimensions)
    ports.metrics.put_metric("ApolloCompaniesChanged", report.changed, "Count", dimensions)
    ports.metrics.put_metric("ApolloErrors", len(report.errors), "Count", dimensions)
    output = logic.result(report, config, logic.layout(ports))
    validate_event(output, "apollo_delta_pull_result", what="The result")
    return output
