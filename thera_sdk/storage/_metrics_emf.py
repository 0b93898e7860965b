"""The AWS metrics adapter: CloudWatch Embedded Metric Format (EMF), one JSON line on stdout.

In Lambda, stdout goes to CloudWatch Logs, which extracts the metric from the line; no API call
is made and nothing is lost when the function ends.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

from thera_sdk.storage._metrics import MetricRecord, MetricsSink

__all__ = ["EmfMetricsSink", "emf_document"]


def emf_document(record: MetricRecord) -> dict[str, Any]:
    """The EMF JSON object for one record.

    Examples
    --------
    >>> doc = emf_document(MetricRecord("Thera", "Scraped", 3.0, "Count", {"Stage": "s"}, 1))
    >>> doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"], doc["Scraped"], doc["Stage"]
    ([['Stage']], 3.0, 's')
    """
    directive = {
        "Namespace": record.namespace,
        "Dimensions": [sorted(record.dimensions)],
        "Metrics": [{"Name": record.name, "Unit": record.unit}],
    }
    return {
        "_aws": {"Timestamp": record.timestamp, "CloudWatchMetrics": [directive]},
        **record.dimensions,
        record.name: record.value,
    }


class EmfMetricsSink(MetricsSink):
    """Metrics as EMF lines on ``stream`` (standard output by default).

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> _ = EmfMetricsSink("Thera", stream=out).put_metric("Scraped", 3)
    >>> '"Scraped": 3.0' in out.getvalue()
    True
    """

    def __init__(
        self,
        namespace: str = "Thera",
        *,
        stream: IO[str] | None = None,
        dimensions: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(namespace, dimensions=dimensions, clock=clock)
        self._stream = stream

    def _emit(self, record: MetricRecord) -> None:
        stream = self._stream or sys.stdout
        stream.write(json.dumps(emf_document(record)) + "\n")
        stream.flush()
