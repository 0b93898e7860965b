"""The parameters port: small named values with a version (watermarks, cursors).

``put(..., expected_version=n)`` refuses to write unless the stored version is ``n`` (``0``: the
parameter must not exist yet), so a watermark only moves forward from the value a run read.
Locally this check and the write are one SQLite transaction. SSM Parameter Store has no
compare-and-set: the AWS adapter checks the version just before writing, which leaves a short
race window between two concurrent writers (one writer per workflow keeps it closed).
"""

from __future__ import annotations

import re
import threading
import time
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from thera_sdk._exceptions import ValidationError
from thera_sdk.storage._port import Port

__all__ = ["MAX_VALUE_CHARS", "Parameter", "ParameterStore", "check_parameter_name"]

MAX_VALUE_CHARS = 4096  # SSM standard tier
_NAME = re.compile(r"^[A-Za-z0-9_.\-/]{1,1011}$")


@dataclass(frozen=True)
class Parameter:
    """A parameter's ``value`` and its ``version`` (1 for the first write, +1 per write)."""

    name: str
    value: str
    version: int
    last_modified: datetime | None = None


def check_parameter_name(name: str) -> None:
    """Refuse names SSM would refuse; hierarchical names start with ``/``.

    Examples
    --------
    >>> check_parameter_name("/thera/dev/watermarks/apollo")
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"Parameter name {name!r} must be 1-1011 letters, digits, '_', '.', '-' or '/'."
        )
    if "/" in name and (not name.startswith("/") or "//" in name or name.endswith("/")):
        raise ValidationError(
            f"Parameter name {name!r} is hierarchical, so it must look like '/a/b/c'."
        )
    if name.lower().lstrip("/").startswith(("aws", "ssm")):
        raise ValidationError(f"Parameter name {name!r} may not start with 'aws' or 'ssm'.")


class ParameterStore(Port):
    """Versioned named values (locally SQLite; on AWS, SSM Parameter Store).

    Parameters
    ----------
    max_age
        Seconds a value read by :meth:`get` may be served from cache (``0``: always read).
    clock
        Monotonic seconds, for the cache.
    """

    def __init__(self, *, max_age: float = 0.0, clock: Callable[[], float] = time.monotonic):
        self._max_age = max_age
        self._clock = clock
        self._cache: dict[str, tuple[float, Parameter]] = {}
        self._lock = threading.Lock()

    def get(self, name: str, *, max_age: float | None = None) -> Parameter:
        """The current value and version; :class:`ParameterNotFoundError` when absent.

        Examples
        --------
        >>> store.get("/thera/dev/watermarks/apollo").value  # doctest: +SKIP
        '2025-01-31T00:00:00Z'
        """
        check_parameter_name(name)
        age = self._max_age if max_age is None else max_age
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and now - cached[0] <= age:
            return cached[1]
        parameter = self._call(f"parameter {name!r}", lambda: self._get(name))
        with self._lock:
            self._cache[name] = (now, parameter)
        return parameter

    def put(self, name: str, value: str, *, expected_version: int | None = None) -> Parameter:
        """Write a new version; with ``expected_version``, only if the stored version is that
        (``0`` for "not yet created"), else :class:`ConditionFailedError`.

        Examples
        --------
        >>> current = store.get("/thera/dev/watermarks/apollo")  # doctest: +SKIP
        >>> store.put(current.name, "2025-02-01T00:00:00Z",
        ...           expected_version=current.version).version  # doctest: +SKIP
        2
        """
        check_parameter_name(name)
        if not isinstance(value, str) or not value or len(value) > MAX_VALUE_CHARS:
            raise ValidationError(
                f"Value of parameter {name!r} must be 1-{MAX_VALUE_CHARS} characters of text; "
                "store larger values in the objects store."
            )
        if expected_version is not None and expected_version < 0:
            raise ValidationError(f"expected_version must be 0 or more, got {expected_version}.")
        with self._lock:
            self._cache.pop(name, None)
        return self._call(f"parameter {name!r}", lambda: self._put(name, value, expected_version))

    def delete(self, name: str) -> None:
        """Delete a parameter (missing parameters are not an error).

        Examples
        --------
        >>> store.delete("/thera/dev/watermarks/apollo")  # doctest: +SKIP
        """
        check_parameter_name(name)
        with self._lock:
            self._cache.pop(name, None)
        self._call(f"parameter {name!r}", lambda: self._delete(name))

    def close(self) -> None:
        """Release connections."""

    @abstractmethod
    def _get(self, name: str) -> Parameter: ...

    @abstractmethod
    def _put(self, name: str, value: str, expected_version: int | None) -> Parameter: ...

    @abstractmethod
    def _delete(self, name: str) -> None: ...
