"""The local metrics adapter: one JSON log line per data point on the ``thera.metrics`` logger."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict

from thera_sdk.storage._metrics import MetricRecord, MetricsSink

__all__ = ["LOGGER_NAME", "LogMetricsSink"]

LOGGER_NAME = "thera.metrics"


class LogMetricsSink(MetricsSink):
    """Metrics as structured log lines, e.g.
    ``{"metric": "DomainsChecked", "value": 120.0, "unit": "Count", ...}``.

    Examples
    --------
    >>> LogMetricsSink("Thera").put_metric("Scraped", 3).value
    3.0
    """

    def __init__(
        self,
        namespace: str = "Thera",
        *,
        logger: logging.Logger | None = None,
        dimensions: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(namespace, dimensions=dimensions, clock=clock)
        self._logger = logger or logging.getLogger(LOGGER_NAME)

    def _emit(self, record: MetricRecord) -> None:
        fields = asdict(record)
        line = {"metric": fields.pop("name"), **fields}
        self._logger.info(json.dumps(line, sort_keys=True))
