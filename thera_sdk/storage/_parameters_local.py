"""The local parameters adapter: a SQLite table; versions checked and bumped in one transaction."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from thera_sdk._exceptions import ConditionFailedError, ParameterNotFoundError, TheraError
from thera_sdk.storage._parameters import Parameter, ParameterStore
from thera_sdk.storage._sqlite import SqliteDatabase, translate_sqlite_error

__all__ = ["LocalParameterStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS parameters (
    name TEXT PRIMARY KEY, value TEXT NOT NULL, version INTEGER NOT NULL, modified REAL NOT NULL);
"""


def _not_found(name: str) -> ParameterNotFoundError:
    return ParameterNotFoundError(
        f"Parameter {name!r} does not exist; write it first with put({name!r}, value, "
        "expected_version=0)."
    )


class LocalParameterStore(ParameterStore):
    """Parameters in a SQLite file (``<home>/parameters.sqlite3`` from the configuration).

    Examples
    --------
    >>> import tempfile
    >>> store = LocalParameterStore(Path(tempfile.mkdtemp()) / "p.sqlite3")
    >>> store.put("/thera/dev/watermark", "2025-01-31", expected_version=0).version
    1
    """

    def __init__(
        self,
        path: Path | str,
        *,
        max_age: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(max_age=max_age, clock=clock)
        self._db = SqliteDatabase(Path(path), _SCHEMA)

    def close(self) -> None:
        self._db.close()

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_sqlite_error(exc, subject)

    def _get(self, name: str) -> Parameter:
        row = (
            self._db.read()
            .execute("SELECT value, version, modified FROM parameters WHERE name = ?", (name,))
            .fetchone()
        )
        if row is None:
            raise _not_found(name)
        return Parameter(name, row[0], row[1], datetime.fromtimestamp(row[2], UTC))

    def _put(self, name: str, value: str, expected_version: int | None) -> Parameter:
        now = time.time()
        with self._db.write() as conn:
            row = conn.execute("SELECT version FROM parameters WHERE name = ?", (name,)).fetchone()
            current = row[0] if row else 0
            if expected_version is not None and current != expected_version:
                raise ConditionFailedError(
                    f"Parameter {name!r} is at version {current}, not {expected_version}; "
                    "another run moved it: re-read it and decide again."
                )
            conn.execute(
                "INSERT OR REPLACE INTO parameters VALUES (?, ?, ?, ?)",
                (name, value, current + 1, now),
            )
        return Parameter(name, value, current + 1, datetime.fromtimestamp(now, UTC))

    def _delete(self, name: str) -> None:
        with self._db.write() as conn:
            conn.execute("DELETE FROM parameters WHERE name = ?", (name,))
