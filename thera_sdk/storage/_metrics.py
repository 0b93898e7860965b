"""The metrics port: ``put_metric(name, value, unit, dimensions)``, checked the way CloudWatch
checks it, then handed to the adapter as a plain :class:`MetricRecord`."""

from __future__ import annotations

import math
import time
from abc import abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from thera_sdk._exceptions import ValidationError
from thera_sdk.storage._port import Port

__all__ = ["UNITS", "MetricRecord", "MetricsSink"]

UNITS = frozenset(
    """
    Seconds Microseconds Milliseconds Bytes Kilobytes Megabytes Gigabytes Terabytes Bits
    Kilobits Megabits Gigabits Terabits Percent Count Bytes/Second Kilobytes/Second
    Megabytes/Second Gigabytes/Second Terabytes/Second Bits/Second Kilobits/Second
    Megabits/Second Gigabits/Second Terabits/Second Count/Second None
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True)
class MetricRecord:
    """One data point: ``timestamp`` is epoch milliseconds."""

    namespace: str
    name: str
    value: float
    unit: str
    dimensions: dict[str, str] = field(default_factory=dict)
    timestamp: int = 0


class MetricsSink(Port):
    """Where metrics go (locally a structured log line; on AWS, Embedded Metric Format on stdout).

    Parameters
    ----------
    namespace
        The CloudWatch namespace of every metric.
    dimensions
        Dimensions added to every metric (e.g. ``{"Environment": "dev"}``).
    clock
        Epoch seconds, for timestamps.
    """

    def __init__(
        self,
        namespace: str = "Thera",
        *,
        dimensions: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not namespace or len(namespace) > 255 or namespace.startswith("AWS/"):
            raise ValidationError(f"Namespace {namespace!r} must be 1-255 characters, not AWS/.")
        self.namespace = namespace
        self._defaults = dict(dimensions or {})
        self._clock = clock

    def put_metric(
        self,
        name: str,
        value: float,
        unit: str = "Count",
        dimensions: Mapping[str, str] | None = None,
    ) -> MetricRecord:
        """Record one value of a metric and return the record emitted.

        Examples
        --------
        >>> metrics.put_metric("DomainsChecked", 120, "Count", {"Stage": "gate"})  # doctest: +SKIP
        """
        if not isinstance(name, str) or not 1 <= len(name) <= 255:
            raise ValidationError(f"Metric name {name!r} must be 1-255 characters.")
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
        ):
            raise ValidationError(f"Metric {name!r} needs a finite number, got {value!r}.")
        if unit not in UNITS:
            raise ValidationError(
                f"Unit {unit!r} of metric {name!r} is not a CloudWatch unit; use one of "
                "Count, Seconds, Milliseconds, Bytes, Percent, None, ..."
            )
        merged = {**self._defaults, **(dimensions or {})}
        if len(merged) > 30:
            raise ValidationError(f"Metric {name!r} has {len(merged)} dimensions; 30 at most.")
        for key, dim in merged.items():
            if not key or not isinstance(dim, str) or not 1 <= len(dim) <= 1024 or key == name:
                raise ValidationError(
                    f"Dimension {key!r}={dim!r} of metric {name!r} must be a 1-1024 character "
                    "string, named differently from the metric."
                )
        record = MetricRecord(
            self.namespace, name, float(value), unit, merged, int(self._clock() * 1000)
        )
        self._call(f"metric {name!r}", lambda: self._emit(record))
        return record

    @abstractmethod
    def _emit(self, record: MetricRecord) -> None: ...
