"""The domain health gate: is a startup's domain alive, safe to fetch and worth scraping?

The checks are async and live in ``logic`` (with ``_chains`` for redirect chains and TLS,
``_content`` for page analysis, ``_scoring`` for flags and the score; the flag table, with each
flag's penalty, is in :mod:`tasks.domain_health._scoring`). The Lambda entry point is
:func:`tasks.domain_health.handler.handler`, and the Parquet rows are in
:mod:`tasks.domain_health._rows`. They are not imported here: checking processes import this
package, and need neither pyarrow nor the storage ports (a quarter second of CPU and 80 MB
each).
"""

from tasks.domain_health._scoring import FATAL, PENALTIES, score
from tasks.domain_health._settings import build_config, config_from_env
from tasks.domain_health.logic import (
    DEFAULT_CONFIG,
    DEFAULT_TIMEOUTS,
    CheckConfig,
    HealthChecker,
    Timeouts,
    check_domains,
)

__all__ = [
    "DEFAULT_CONFIG",
    "DEFAULT_TIMEOUTS",
    "FATAL",
    "PENALTIES",
    "CheckConfig",
    "HealthChecker",
    "Timeouts",
    "build_config",
    "check_domains",
    "config_from_env",
    "score",
]
