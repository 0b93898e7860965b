"""JSON Lines over the objects port: streamed both ways, gzip optional.

A key ending in ``.gz`` is gzip-compressed on write; on read, gzip is recognised by its magic
bytes whatever the key. Writes go through :meth:`ObjectStore.open_writer`, so a writer that
fails or dies leaves the previous object untouched.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import zlib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import IO, Any

from thera_sdk._exceptions import DataFormatError
from thera_sdk.storage._objects import ObjectStore

__all__ = ["read_jsonl", "write_jsonl"]

_GZIP_MAGIC = b"\x1f\x8b"


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def write_jsonl(
    store: ObjectStore,
    bucket: str,
    key: str,
    records: Iterable[Mapping[str, Any]],
    *,
    compress: bool | None = None,
) -> int:
    """Write one JSON object per line and return how many were written.

    ``compress=None`` gzips when ``key`` ends in ``.gz``. Decimals, dates and sets are written
    as numbers, ISO strings and sorted lists.

    Examples
    --------
    >>> write_jsonl(store, "thera-dev-data", "raw/apollo/date=2025-01-31/part-0.jsonl.gz",
    ...             [{"id": 1}, {"id": 2}])  # doctest: +SKIP
    2
    """
    gzipped = key.endswith(".gz") if compress is None else compress
    content_type = "application/gzip" if gzipped else "application/x-ndjson"
    count = 0
    with store.open_writer(bucket, key, content_type=content_type) as raw:
        out: IO[bytes] | gzip.GzipFile = (
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if gzipped else raw
        )
        try:
            for record in records:
                line = json.dumps(
                    record, default=_default, ensure_ascii=False, separators=(",", ":")
                )
                out.write(line.encode("utf-8") + b"\n")
                count += 1
        finally:
            if gzipped:
                out.close()
    return count


class _Prefixed(io.RawIOBase):
    """A stream that first replays bytes already read, then reads on from ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        if self._head:
            size = min(len(view), len(self._head))
            view[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        chunk = self._rest.read(len(view))
        view[: len(chunk)] = chunk
        return len(chunk)


def read_jsonl(store: ObjectStore, bucket: str, key: str) -> Iterator[dict[str, Any]]:
    """Yield the JSON object on each non-blank line, reading the object as a stream.

    Raises :class:`DataFormatError` naming the key and line when a line is not a JSON object
    (or the gzip stream is corrupt).

    Examples
    --------
    >>> [r["id"] for r in read_jsonl(store, "thera-dev-data", "raw/a.jsonl")]  # doctest: +SKIP
    [1, 2]
    """
    with store.open_reader(bucket, key) as raw:
        head = raw.read(2)
        buffered = io.BufferedReader(_Prefixed(head, raw), buffer_size=1 << 16)
        stream: io.BufferedReader[_Prefixed] | gzip.GzipFile = (
            gzip.GzipFile(fileobj=buffered) if head == _GZIP_MAGIC else buffered
        )
        number = 0
        try:
            for line in stream:
                number += 1
                if not line.strip():
                    continue
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise DataFormatError(
                        f"Line {number} of {key!r} in bucket {bucket!r} is JSON but not an "
                        "object; each line must be one JSON object."
                    )
                yield record
        except json.JSONDecodeError as exc:
            raise DataFormatError(
                f"Line {number} of {key!r} in bucket {bucket!r} is not valid JSON ({exc.msg}); "
                "rewrite the object or skip it."
            ) from exc
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise DataFormatError(
                f"{key!r} in bucket {bucket!r} is not a complete gzip stream (after line "
                f"{number}: {exc}); rewrite the object."
            ) from exc
