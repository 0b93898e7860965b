"""The domain health gate: is a startup's domain alive, safe to fetch and worth scraping?

``handler`` is the Lambda entry point; the checks are async and live in ``logic`` (with
``_chains`` for redirect chains and TLS, ``_content`` for page analysis, ``_scoring`` for flags
and the score). The flag table, with each flag's penalty, is in :mod:`tasks.domain_health._scoring`.
"""

from tasks.domain_health._rows import ROW_SCHEMA, to_row, to_table
from tasks.domain_health._scoring import FATAL, PENALTIES, score
from tasks.domain_health._settings import build_config, config_from_env
from tasks.domain_health.handler import DATASET, HEALTHY_SCORE, handler, read_lines
from tasks.domain_health.logic import (
    DEFAULT_CONFIG,
    DEFAULT_TIMEOUTS,
    CheckConfig,
    HealthChecker,
    Timeouts,
    check_domains,
)

__all__ = [
    "DATASET",
    "DEFAULT_CONFIG",
    "DEFAULT_TIMEOUTS",
    "FATAL",
    "HEALTHY_SCORE",
    "PENALTIES",
    "ROW_SCHEMA",
    "CheckConfig",
    "HealthChecker",
    "Timeouts",
    "build_config",
    "check_domains",
    "config_from_env",
    "handler",
    "read_lines",
    "score",
    "to_row",
    "to_table",
]
