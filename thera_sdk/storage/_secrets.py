"""The secrets port: a JSON object by name, cached for a while, never logged.

Error messages name the secret and where it was looked for, never its content.
"""

from __future__ import annotations

import json
import re
import threading
import time
from abc import abstractmethod
from collections.abc import Callable, Mapping
from typing import Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.storage._port import Port

__all__ = ["SecretStore", "check_secret_name", "parse_secret"]

_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")


def check_secret_name(name: str) -> None:
    """Refuse names Secrets Manager would refuse, and path tricks (``..``, leading ``/``).

    Examples
    --------
    >>> check_secret_name("thera/dev/apollo")
    """
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"Secret name {name!r} must be 1-512 letters, digits or any of / _ + = . @ -."
        )
    if name.startswith("/") or any(part in {"", ".", ".."} for part in name.split("/")):
        raise ValidationError(f"Secret name {name!r} must look like 'a/b/c' (no empty or '..').")


def parse_secret(name: str, text: str) -> dict[str, Any]:
    """Parse a secret's text as a JSON object, without ever echoing the text.

    Examples
    --------
    >>> parse_secret("x", '{"api_key": "k"}')
    {'api_key': 'k'}
    """
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise ValidationError(
            f'Secret {name!r} is not a JSON object; store it as {{"key": "value", ...}}.'
        )
    return value


class SecretStore(Port):
    """JSON secrets by name (locally environment variables or owner-only files; on AWS, Secrets
    Manager).

    Parameters
    ----------
    max_age
        Seconds a secret stays cached after it is read.
    clock
        Monotonic seconds, for the cache.
    """

    def __init__(self, *, max_age: float = 300.0, clock: Callable[[], float] = time.monotonic):
        self._max_age = max_age
        self._clock = clock
        self._cache: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> dict[str, Any]:
        """The secret as a dict (a copy: changing it does not change the cache).

        Examples
        --------
        >>> secrets.get("thera/dev/apollo")["api_key"]  # doctest: +SKIP
        """
        check_secret_name(name)
        now = self._clock()
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None and now - cached[0] <= self._max_age:
            return dict(cached[1])
        value = self._call(f"secret {name!r}", lambda: self._get(name))
        with self._lock:
            self._cache[name] = (now, value)
        return dict(value)

    def put(self, name: str, value: Mapping[str, Any]) -> None:
        """Create or replace a secret with a JSON object.

        Examples
        --------
        >>> secrets.put("thera/dev/apollo", {"api_key": "..."})  # doctest: +SKIP
        """
        check_secret_name(name)
        if not isinstance(value, Mapping):
            raise ValidationError(f"Secret {name!r} must be a mapping (a JSON object).")
        text = json.dumps(dict(value))
        with self._lock:
            self._cache.pop(name, None)
        self._call(f"secret {name!r}", lambda: self._put(name, text))

    def invalidate(self, name: str | None = None) -> None:
        """Forget a cached secret (all of them when ``name`` is ``None``).

        Examples
        --------
        >>> secrets.invalidate()  # doctest: +SKIP
        """
        with self._lock:
            if name is None:
                self._cache.clear()
            else:
                self._cache.pop(name, None)

    @abstractmethod
    def _get(self, name: str) -> dict[str, Any]: ...

    @abstractmethod
    def _put(self, name: str, text: str) -> None: ...
