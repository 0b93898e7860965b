"""Thera SDK: storage ports with local and AWS adapters, configuration and errors.

Everything public is importable from here; the code lives in private modules (``_config``,
``_exceptions``) and subpackages (``storage``). The errors load at once; the configuration
(and with it the storage adapters) on first use, so importing an error stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from thera_sdk._exceptions import (
    AccessDeniedError,
    BucketNotFoundError,
    ConditionFailedError,
    ConfigurationError,
    DataFormatError,
    ExpressionError,
    ItemTooLargeError,
    NotFoundError,
    ObjectNotFoundError,
    ParameterNotFoundError,
    QueryFailedError,
    RecordNotFoundError,
    RequestError,
    RequestTimeoutError,
    RunFailedError,
    SecretNotFoundError,
    TableNotFoundError,
    TheraError,
    ThrottledError,
    ValidationError,
)

if TYPE_CHECKING:
    from thera_sdk._config import BACKENDS, Ports, Settings, build_async_objects, build_ports

_LAZY = {
    name: "thera_sdk._config"
    for name in ("BACKENDS", "Ports", "Settings", "build_async_objects", "build_ports")
}

__all__ = [
    "BACKENDS",
    "AccessDeniedError",
    "BucketNotFoundError",
    "ConditionFailedError",
    "ConfigurationError",
    "DataFormatError",
    "ExpressionError",
    "ItemTooLargeError",
    "NotFoundError",
    "ObjectNotFoundError",
    "ParameterNotFoundError",
    "Ports",
    "QueryFailedError",
    "RecordNotFoundError",
    "RequestError",
    "RequestTimeoutError",
    "RunFailedError",
    "SecretNotFoundError",
    "Settings",
    "TableNotFoundError",
    "TheraError",
    "ThrottledError",
    "ValidationError",
    "build_async_objects",
    "build_ports",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
