"""The Apollo delta pull task: page through the configured universe, emit new and changed
companies, stop cleanly on quota, deadline or errors and resume on the next run.

``handler`` is the Lambda entry point; the work is :class:`thera_sdk.sources.DeltaPuller`,
wired to the ports by ``logic``.
"""

from tasks.apollo_delta_pull.handler import handler
from tasks.apollo_delta_pull.logic import (
    MAX_ERRORS_RETURNED,
    PullConfig,
    api_key,
    ensure_tables,
    layout,
    load_universe,
    make_puller,
    result,
    table_names,
)

__all__ = [
    "MAX_ERRORS_RETURNED",
    "PullConfig",
    "api_key",
    "ensure_tables",
    "handler",
    "layout",
    "load_universe",
    "make_puller",
    "result",
    "table_names",
]
