"""A SQLite database file shared safely by threads and processes (WAL mode).

Each thread of each process gets its own connection. Writes run in ``BEGIN IMMEDIATE``
transactions, which take SQLite's write lock up front, so a read-check-write sequence inside one
is atomic across threads and processes; threads of one process also queue on a lock of their own
rather than on SQLite's sleep-and-retry busy handler.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from thera_sdk._exceptions import RequestError, TheraError, ThrottledError

__all__ = ["SqliteDatabase", "translate_sqlite_error"]


class SqliteDatabase:
    """One database file; ``schema`` (idempotent DDL) runs when it is first opened.

    Examples
    --------
    >>> import tempfile
    >>> db = SqliteDatabase(Path(tempfile.mkdtemp()) / "x.db", "CREATE TABLE IF NOT EXISTS t(a);")
    >>> with db.write() as conn:
    ...     _ = conn.execute("INSERT INTO t VALUES (1)")
    >>> db.read().execute("SELECT a FROM t").fetchall()
    [(1,)]
    """

    def __init__(self, path: Path, schema: str, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._busy_ms = int(busy_timeout * 1000)
        self._local = threading.local()
        self._pid = os.getpid()
        self._write_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        with self.write() as conn:
            for statement in schema.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, isolation_level=None, timeout=self._busy_ms / 1000, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _after_fork(self) -> None:
        # Connections and locks inherited from the parent process must not be used.
        self._pid = os.getpid()
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all = []
        self._all_lock = threading.Lock()

    def read(self) -> sqlite3.Connection:
        """This thread's connection, for single-statement reads."""
        if os.getpid() != self._pid:
            self._after_fork()
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A ``BEGIN IMMEDIATE`` transaction, committed on success, rolled back on error."""
        conn = self.read()
        with self._write_lock:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this process opened."""
        with self._all_lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()


def translate_sqlite_error(exc: Exception, subject: str) -> TheraError | None:
    """Map a ``sqlite3`` error to a :class:`TheraError` naming ``subject``.

    Examples
    --------
    >>> type(translate_sqlite_error(sqlite3.OperationalError("database is locked"), "t"))
    <class 'thera_sdk._exceptions.ThrottledError'>
    """
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        return ThrottledError(
            f"The local database was locked by another writer for too long while writing "
            f"{subject}; retry, or run fewer writers at once."
        )
    if isinstance(exc, sqlite3.Error):
        return RequestError(f"The local database failed on {subject}: {exc}.")
    return None
