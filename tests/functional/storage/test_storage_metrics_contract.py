"""The metrics contract: a structured log line locally, an EMF document on AWS."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest

from thera_sdk import ValidationError
from thera_sdk.storage import EmfMetricsSink, LogMetricsSink, MetricsSink


def clock() -> float:
    return 1_738_000_000.5


def emitted(kind: str, put: Any, caplog: pytest.LogCaptureFixture) -> dict[str, Any]:
    """Run ``put(sink)`` and return (name, value, unit, dimensions) as the sink wrote them."""
    if kind == "log":
        with caplog.at_level(logging.INFO, logger="thera.metrics"):
            put(LogMetricsSink("Thera", dimensions={"Environment": "test"}, clock=clock))
        line = json.loads(caplog.records[-1].getMessage())
        return {k: line[k] for k in ("metric", "value", "unit", "dimensions", "timestamp")}
    out = io.StringIO()
    put(EmfMetricsSink("Thera", stream=out, dimensions={"Environment": "test"}, clock=clock))
    document = json.loads(out.getvalue().splitlines()[-1])
    directive = document["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "Thera"
    name = directive["Metrics"][0]["Name"]
    return {
        "metric": name,
        "value": document[name],
        "unit": directive["Metrics"][0]["Unit"],
        "dimensions": {k: document[k] for k in directive["Dimensions"][0]},
        "timestamp": document["_aws"]["Timestamp"],
    }


@pytest.mark.parametrize("kind", ["log", "emf"])
def test_a_metric_carries_name_value_unit_and_dimensions(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    record = emitted(
        kind, lambda sink: sink.put_metric("PagesScraped", 42, "Count", {"Stage": "scrape"}),
        caplog,
    )  # fmt: skip
    assert record == {
        "metric": "PagesScraped",
        "value": 42.0,
        "unit": "Count",
        "dimensions": {"Environment": "test", "Stage": "scrape"},
        "timestamp": 1_738_000_000_500,
    }


@pytest.mark.parametrize(
    "sink", [LogMetricsSink("Thera"), EmfMetricsSink("Thera", stream=io.StringIO())]
)
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 1), "Metric name"),
        (("X", float("nan")), "finite"),
        (("X", True), "finite"),
        (("X", 1, "Furlongs"), "not a CloudWatch unit"),
        (("X", 1, "Count", {"Stage": ""}), "Dimension"),
        (("X", 1, "Count", {f"d{i}": "v" for i in range(31)}), "30 at most"),
    ],
)
def test_bad_metrics_are_refused(sink: MetricsSink, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        sink.put_metric(*args)
