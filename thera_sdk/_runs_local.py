"""The local run store: every local run and its history, in ``$THERA_HOME/runs.sqlite3``.

Runs outlive the process that started them here, so ``thera runs list`` in a new shell sees the
runs an application started, with their history. One row per run holds what
``DescribeExecution`` reports, the history as JSON (copied while the run goes and when it ends),
the owning process (host and pid, to tell a run whose process died) and a pending stop request
from another process. SQLite in WAL mode lets many processes read while one writes; each
operation opens its own short-lived connection, so any thread may call any method.

The runs themselves execute in :mod:`thera_sdk.client._local_runner`.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from thera_sdk._exceptions import ConfigurationError, RequestError, ThrottledError

__all__ = ["RunStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    arn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    machine TEXT NOT NULL,
    machine_arn TEXT NOT NULL,
    status TEXT NOT NULL,
    input TEXT NOT NULL,
    output TEXT,
    error TEXT,
    cause TEXT,
    start_date REAL NOT NULL,
    stop_date REAL,
    redrive_count INTEGER NOT NULL DEFAULT 0,
    redrive_date REAL,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    stoppable INTEGER NOT NULL DEFAULT 1,
    stop_request TEXT,
    history TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS runs_by_start ON runs (start_date DESC, arn DESC);
CREATE INDEX IF NOT EXISTS runs_by_machine ON runs (machine, start_date DESC, arn DESC)
"""
_RESTORED = ("status", "output", "error", "cause", "stop_date", "redrive_count", "redrive_date",
             "stoppable")  # fmt: skip


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, default=_json_default, separators=(",", ":"), ensure_ascii=False)


class RunStore:
    """Local runs in one SQLite file, shared by threads and processes.

    Examples
    --------
    >>> import tempfile
    >>> store = RunStore(Path(tempfile.mkdtemp()) / "runs.sqlite3")
    >>> store.row("arn:aws:states:us-east-1:123456789012:execution:thera-daily:r1") is None
    True
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot create the data home {self.path.parent}: {exc}; set THERA_HOME to a "
                "writable folder."
            ) from exc
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    # -- connections ---------------------------------------------------------------------------
    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as conn:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA journal_mode = WAL")
                yield conn
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise ThrottledError(
                    f"The run store {self.path} stayed locked by another writer; retry."
                ) from exc
            raise RequestError(f"The run store {self.path} failed: {exc}.") from exc

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _update(self, arn: str, where: str = "", args: Sequence[Any] = (), **values: Any) -> int:
        columns = ", ".join(f"{name} = ?" for name in values)
        with self._write() as conn:
            cursor = conn.execute(
                f"UPDATE runs SET {columns} WHERE arn = ?{where}",
                [*values.values(), arn, *args],
            )
            return cursor.rowcount

    # -- reads ---------------------------------------------------------------------------------
    def row(self, arn: str) -> sqlite3.Row | None:
        """The run's row, or ``None``."""
        with self._connect() as conn:
            found: sqlite3.Row | None = conn.execute(
                "SELECT * FROM runs WHERE arn = ?", (arn,)
            ).fetchone()
            return found

    def machines(self) -> list[str]:
        """The state machine names that have runs."""
        with self._connect() as conn:
            return [r[0] for r in conn.execute("SELECT DISTINCT machine FROM runs ORDER BY 1")]

    def running(self) -> list[sqlite3.Row]:
        """The runs recorded as RUNNING."""
        with self._connect() as conn:
            return conn.execute("SELECT * FROM runs WHERE status = 'RUNNING'").fetchall()

    def page(
        self,
        machine: str | None,
        status: str | None,
        size: int,
        after: tuple[float, str] | None,
    ) -> tuple[list[sqlite3.Row], bool]:
        """Up to ``size`` runs (of ``machine``, in ``status``), newest first, after the
        ``(start_date, arn)`` marker; and whether more follow."""
        where, args = [], []  # type: list[str], list[Any]
        for column, value in (("machine", machine), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if after is not None:
            where.append("(start_date < ? OR (start_date = ? AND arn < ?))")
            args.extend([after[0], after[0], after[1]])
        sql = (
            "SELECT * FROM runs"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY start_date DESC, arn DESC LIMIT ?"
        )
        with self._connect() as conn:
            rows = conn.execute(sql, [*args, size + 1]).fetchall()
        return rows[:size], len(rows) > size

    def history(self, arn: str) -> list[dict[str, Any]]:
        """The history last copied for the run (ISO timestamps)."""
        row = self.row(arn)
        return json.loads(row["history"]) if row is not None else []

    def stop_request(self, arn: str) -> tuple[str | None, str | None] | None:
        """``(error, cause)`` when another process asked to stop the run."""
        with self._connect() as conn:
            found = conn.execute("SELECT stop_request FROM runs WHERE arn = ?", (arn,)).fetchone()
        if found is None or found[0] is None:
            return None
        error, cause = json.loads(found[0])
        return error, cause

    # -- writes --------------------------------------------------------------------------------
    def insert(
        self, arn: str, name: str, machine: str, machine_arn: str, input_text: str, start: float
    ) -> sqlite3.Row | None:
        """Record a new RUNNING run owned by this process; return the existing row instead
        when the ARN is taken."""
        with self._write() as conn:
            existing: sqlite3.Row | None = conn.execute(
                "SELECT * FROM runs WHERE arn = ?", (arn,)
            ).fetchone()
            if existing is not None:
                return existing
            conn.execute(
                "INSERT INTO runs (arn, name, machine, machine_arn, status, input, start_date, "
                "host, pid) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?)",
                (arn, name, machine, machine_arn, input_text, start, socket.gethostname(),
                 os.getpid()),
            )  # fmt: skip
        return None

    def delete(self, arn: str) -> None:
        """Forget a run (one that could not start)."""
        with self._write() as conn:
            conn.execute("DELETE FROM runs WHERE arn = ?", (arn,))

    def save_history(self, arn: str, events: list[dict[str, Any]]) -> None:
        """Copy a running run's history."""
        self._update(arn, history=_dumps(events))

    def request_stop(self, arn: str, error: str | None, cause: str | None) -> None:
        """Ask the owning process to stop the run."""
        self._update(arn, " AND status = 'RUNNING'", stop_request=_dumps([error, cause]))

    def finish(self, arn: str, execution: Any) -> None:
        """Record how an execution (``thera_sdk.local.Execution``) ended, with its history."""
        stop = execution.stop_date
        self._update(
            arn,
            status=execution.status,
            output=_dumps(execution.output) if execution.status == "SUCCEEDED" else None,
            error=execution.error,
            cause=execution.cause,
            stop_date=stop.timestamp() if stop is not None else time.time(),
            redrive_count=execution.redrive_count,
            stop_request=None,
            history=_dumps(execution.history),
        )

    def abandon(self, arn: str, pid: int) -> None:
        """Mark a run whose process has exited as ABORTED."""
        self._update(
            arn,
            " AND status = 'RUNNING' AND pid = ?",
            (pid,),
            status="ABORTED",
            error="Thera.ProcessExited",
            cause=(
                f"The process that ran it (pid {pid}) exited before the run ended; a local run "
                "lives in its process. Start a new run, and keep the process alive until "
                "wait_for_run() returns."
            ),
            stop_date=time.time(),
        )

    def mark_redriven(self, arn: str, count: int, when: float) -> None:
        """Record that this process resumes the run now."""
        self._update(
            arn,
            status="RUNNING",
            output=None,
            error=None,
            cause=None,
            stop_date=None,
            redrive_count=count,
            redrive_date=when,
            stoppable=0,
            host=socket.gethostname(),
            pid=os.getpid(),
        )

    def restore(self, arn: str, before: Mapping[str, Any]) -> None:
        """Put back what :meth:`mark_redriven` changed (the redrive could not start)."""
        self._update(arn, **{name: before[name] for name in _RESTORED})
