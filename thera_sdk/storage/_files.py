"""File-system building blocks for the local adapters: durable atomic writes and directory swaps."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import IO

__all__ = [
    "exchange_directories",
    "file_md5",
    "fsync_directory",
    "new_temp_path",
    "remove_stale",
    "write_durably",
]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def fsync_directory(path: Path) -> None:
    """Flush a directory entry change (a rename) to disk; a no-op where unsupported."""
    if sys.platform == "win32":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_temp_path(staging: Path, suffix: str = "") -> Path:
    """A fresh path in the staging folder (created when missing)."""
    staging.mkdir(parents=True, exist_ok=True)
    return staging / f"{os.getpid()}-{uuid.uuid4().hex}{suffix}"


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to a new file and fsync it (the file must not be visible to readers yet)."""
    with open(path, "xb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def file_md5(path: Path) -> str:
    """The MD5 hex digest of a file's content."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sync_stream(stream: IO[bytes]) -> None:
    """Flush and fsync an open file."""
    stream.flush()
    os.fsync(stream.fileno())


def _renameat2() -> ctypes._CFuncPtr | None:  # type: ignore[name-defined]
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


_EXCHANGE = _renameat2()


def exchange_directories(new: Path, target: Path) -> Path | None:
    """Put directory ``new`` at ``target`` in one step; return where the old ``target`` went.

    On Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the two atomically (readers see the old or
    the new directory, never neither) and the old content ends up at ``new``. Elsewhere the old
    directory is renamed away first, leaving a moment where ``target`` is absent.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.rename(new, target)  # succeeds when target is absent (or an empty directory)
        return None
    except OSError:
        if not target.exists():
            raise
    if _EXCHANGE is not None:
        result = _EXCHANGE(
            _AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE
        )
        if result == 0:
            fsync_directory(target.parent)
            return new
    trash = new.with_name(new.name + ".old")
    os.rename(target, trash)
    os.rename(new, target)
    fsync_directory(target.parent)
    return trash


def remove_stale(staging: Path, older_than: float = 3600.0) -> None:
    """Delete what crashed writers left in the staging folder more than ``older_than`` s ago."""
    if not staging.is_dir():
        return
    limit = time.time() - older_than
    for entry in staging.iterdir():
        try:
            if entry.lstat().st_mtime < limit:
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        except OSError:
            continue
