"""The Apollo delta pull, over the ports: settings from the event, tables, and the result.

Everything here takes its ports, clock and key as arguments; the handler supplies them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from thera_sdk import ConfigurationError, ParameterNotFoundError, Ports, ValidationError
from thera_sdk.sources import (
    DEFAULT_APOLLO_URL,
    DEFAULT_QUOTA,
    QUOTA_TABLE_SPEC,
    SNAPSHOT_TABLE_SPEC,
    ApolloClient,
    DeltaPuller,
    PullLayout,
    PullReport,
    Quota,
    QuotaLimiter,
    Universe,
)
from thera_sdk.storage import TableSpec

__all__ = [
    "MAX_ERRORS_RETURNED",
    "PullConfig",
    "api_key",
    "ensure_tables",
    "layout",
    "load_universe",
    "make_puller",
    "result",
    "table_names",
]

MAX_ERRORS_RETURNED = 10  # the result travels in the workflow's state: keep it small


@dataclass(frozen=True)
class PullConfig:
    """What one run does, from the event (see ``schemas/apollo_delta_pull_event.json``)."""

    day: str
    run_id: str
    universe: Universe | None
    quota: Quota
    workers: int
    lease_seconds: float

    @classmethod
    def from_event(cls, event: Mapping[str, Any], *, now: float, request_id: str) -> PullConfig:
        """Read a validated event; ``now`` (epoch s) gives the default date.

        Examples
        --------
        >>> PullConfig.from_event({"workers": 8}, now=0.0, request_id="r1").day
        '1970-01-01'
        """
        day = event.get("date") or dt.datetime.fromtimestamp(now, dt.UTC).date().isoformat()
        quota = event.get("quota") or {}
        universe = event.get("universe")
        return cls(
            day=day,
            run_id=event.get("run_id") or request_id,
            universe=Universe.from_dict(universe) if universe is not None else None,
            quota=Quota(
                per_minute=quota.get("per_minute", DEFAULT_QUOTA.per_minute),
                per_hour=quota.get("per_hour", DEFAULT_QUOTA.per_hour),
                per_day=quota.get("per_day", DEFAULT_QUOTA.per_day),
            ),
            workers=int(event.get("workers", 4)),
            lease_seconds=float(event.get("lease_seconds", 900)),
        )


def table_names(ports: Ports) -> dict[str, str]:
    """Physical names of the state table (quota, leases, errors) and the snapshot table."""
    settings = ports.settings
    return {
        "state": settings.table_name(QUOTA_TABLE_SPEC.name),
        "snapshot": settings.table_name(SNAPSHOT_TABLE_SPEC.name),
    }


def ensure_tables(ports: Ports) -> None:
    """Create the two tables when running locally (on AWS the stack creates them)."""
    if ports.settings.backend != "local":
        return
    names = table_names(ports)
    ports.tables.create_table(TableSpec(names["state"], QUOTA_TABLE_SPEC.partition_key))
    ports.tables.create_table(TableSpec(names["snapshot"], SNAPSHOT_TABLE_SPEC.partition_key))


def api_key(ports: Ports) -> str:
    """The Apollo key from the secret ``thera/<env>/apollo`` (``{"api_key": "..."}``)."""
    name = ports.settings.secret_name("apollo")
    key = ports.secrets.get(name).get("api_key")
    if not isinstance(key, str) or not key:
        raise ConfigurationError(
            f'Secret {name!r} has no "api_key"; store it as {{"api_key": "<your Apollo key>"}}.'
        )
    return key


def load_universe(ports: Ports, config: PullConfig) -> Universe:
    """The event's universe, else the one stored in parameter ``/thera/<env>/apollo/universe``."""
    if config.universe is not None:
        return config.universe
    name = ports.settings.parameter_name("apollo/universe")
    try:
        stored = ports.parameters.get(name)
    except ParameterNotFoundError as exc:
        raise ConfigurationError(
            f"No universe to pull: give the event a 'universe' or store one as JSON in parameter "
            f'{name!r}, e.g. {{"locations": ["Germany"], "keyword_tags": ["fintech"]}}.'
        ) from exc
    try:
        return Universe.from_dict(json.loads(stored.value))
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"Parameter {name!r} is not a valid universe: {exc}") from exc


def layout(ports: Ports) -> PullLayout:
    """Where the pull writes (the data bucket; contacts under its ``private/`` prefix)."""
    bucket = ports.settings.data_bucket
    return PullLayout(bucket=bucket, private_bucket=bucket)


def make_puller(
    ports: Ports,
    key: str,
    config: PullConfig,
    universe: Universe,
    *,
    clock: Callable[[], float] = time.time,
    base_url: str | None = None,
) -> tuple[DeltaPuller, ApolloClient]:
    """A puller and its client (close the client after the run).

    ``base_url`` defaults to ``THERA_APOLLO_URL``, else Apollo's API.
    """
    names = table_names(ports)
    limiter = QuotaLimiter(ports.tables, names["state"], quota=config.quota, clock=clock)
    client = ApolloClient(
        key,
        base_url=base_url or os.environ.get("THERA_APOLLO_URL") or DEFAULT_APOLLO_URL,
        limiter=limiter,
        clock=clock,
    )
    puller = DeltaPuller(
        client,
        objects=ports.objects,
        tables=ports.tables,
        parameters=ports.parameters,
        universe=universe,
        layout=layout(ports),
        state_table=names["state"],
        snapshot_table=names["snapshot"],
        cursor_prefix=ports.settings.parameter_name("apollo/cursors"),
        run_id=config.run_id,
        day=config.day,
        workers=config.workers,
        lease_ttl=config.lease_seconds,
        clock=clock,
    )
    return puller, client


def result(report: PullReport, config: PullConfig, where: PullLayout) -> dict[str, Any]:
    """The small JSON the task returns (``schemas/apollo_delta_pull_result.json``).

    Examples
    --------
    >>> config = PullConfig("2026-01-01", "r1", None, DEFAULT_QUOTA, 4, 900)
    >>> result(PullReport(), config, PullLayout("b", "b"))["status"]
    'complete'
    """
    data = report.as_dict()
    errors = data.pop("errors")
    data.update(
        date=config.day,
        run_id=config.run_id,
        bucket=where.bucket,
        error_count=len(errors),
        errors=errors[:MAX_ERRORS_RETURNED],
        keys=where.keys(config.day),
    )
    return data
