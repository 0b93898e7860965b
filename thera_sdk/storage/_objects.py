"""The objects port: buckets of immutable objects addressed by key, as in S3.

Public methods check bucket names and keys the same way for both adapters, then call the
adapter's hooks. Every put is atomic: a reader sees the previous object or the new one, whole.
"""

from __future__ import annotations

import builtins
import re
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO

from thera_sdk._exceptions import ObjectNotFoundError, ValidationError
from thera_sdk.storage._port import Port

__all__ = [
    "DEFAULT_CONTENT_TYPE",
    "ObjectInfo",
    "ObjectPage",
    "ObjectStore",
    "check_bucket",
    "check_key",
    "check_prefix",
]

DEFAULT_CONTENT_TYPE = "application/octet-stream"
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class ObjectInfo:
    """What is known about an object without reading it.

    ``etag`` is the MD5 hex digest of the content for single-part writes (S3 puts another form
    for multipart uploads); compare ETags only for equality.
    """

    bucket: str
    key: str
    size: int
    etag: str = ""
    content_type: str = DEFAULT_CONTENT_TYPE
    metadata: dict[str, str] = field(default_factory=dict)
    last_modified: datetime | None = None


@dataclass(frozen=True)
class ObjectPage:
    """One page of a listing: objects in key order, the common ``prefixes`` when a delimiter was
    given, and ``next_token`` to pass back for the next page (``None`` at the end).

    As in S3, listed objects carry key, size, ETag and time only; :meth:`ObjectStore.head` gives
    the content type and metadata."""

    objects: list[ObjectInfo]
    prefixes: list[str] = field(default_factory=list)
    next_token: str | None = None


def check_bucket(bucket: str) -> None:
    """Refuse a bucket name S3 would refuse (3-63 lowercase letters, digits, dots, hyphens).

    Examples
    --------
    >>> check_bucket("thera-dev-data")
    """
    if not isinstance(bucket, str) or not _BUCKET.match(bucket) or ".." in bucket:
        raise ValidationError(
            f"Bucket name {bucket!r} is not valid: use 3-63 lowercase letters, digits, dots and "
            "hyphens, starting and ending with a letter or digit."
        )


def check_key(key: str) -> None:
    """Refuse keys that could not be stored the same way in S3 and in a directory tree.

    A key is 1-1024 bytes of UTF-8 made of ``/``-separated segments; a segment may not be empty,
    ``.`` or ``..``, so ``a//b``, ``/a``, ``a/`` and ``a/../b`` are refused.

    Examples
    --------
    >>> check_key("raw/apollo/date=2025-01-31/part-0.jsonl.gz")
    """
    if not isinstance(key, str) or not key or len(key.encode("utf-8")) > 1024:
        raise ValidationError(f"Object key {key!r} must be 1 to 1024 bytes of text.")
    if any(segment in {"", ".", ".."} for segment in key.split("/")) or "\x00" in key:
        raise ValidationError(
            f"Object key {key!r} has an empty, '.' or '..' segment (or a NUL); write keys like "
            "'folder/name.ext'."
        )


def check_prefix(prefix: str) -> None:
    """A listing prefix is empty or a key-like string; a trailing ``/`` is allowed."""
    if prefix:
        check_key(prefix[:-1] if prefix.endswith("/") and len(prefix) > 1 else prefix)


class ObjectStore(Port):
    """Buckets of objects (locally a folder per bucket; on AWS, S3)."""

    def create_bucket(self, bucket: str) -> None:
        """Create a bucket unless it exists.

        Examples
        --------
        >>> store.create_bucket("thera-dev-data")  # doctest: +SKIP
        """
        check_bucket(bucket)
        self._call(f"bucket {bucket!r}", lambda: self._create_bucket(bucket))

    def put(
        self,
        bucket: str,
        key: str,
        data: bytes,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Write an object atomically, replacing any object with that key.

        Examples
        --------
        >>> store.put("thera-dev-data", "notes/a.txt", b"hello",
        ...           content_type="text/plain")  # doctest: +SKIP
        """
        check_bucket(bucket)
        check_key(key)
        meta = self._checked_metadata(metadata, key)
        subject = self._subject(bucket, key)
        return self._call(subject, lambda: self._put(bucket, key, bytes(data), content_type, meta))

    def get(self, bucket: str, key: str) -> bytes:
        """The whole content of an object.

        Examples
        --------
        >>> store.get("thera-dev-data", "notes/a.txt")  # doctest: +SKIP
        b'hello'
        """
        check_bucket(bucket)
        check_key(key)
        return self._call(self._subject(bucket, key), lambda: self._get(bucket, key, None))

    def get_range(self, bucket: str, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` (inclusive) to ``end`` (exclusive) of an object, like ``data[start:end]``
        (shorter when the object ends first).

        Examples
        --------
        >>> store.get_range("thera-dev-data", "notes/a.txt", 1, 3)  # doctest: +SKIP
        b'el'
        """
        check_bucket(bucket)
        check_key(key)
        if start < 0 or end <= start:
            raise ValidationError(
                f"Byte range [{start}, {end}) of {key!r} is empty or negative; "
                "pass 0 <= start < end."
            )
        return self._call(self._subject(bucket, key), lambda: self._get(bucket, key, (start, end)))

    def head(self, bucket: str, key: str) -> ObjectInfo:
        """Size, ETag, content type and metadata of an object.

        Examples
        --------
        >>> store.head("thera-dev-data", "notes/a.txt").size  # doctest: +SKIP
        5
        """
        check_bucket(bucket)
        check_key(key)
        return self._call(self._subject(bucket, key), lambda: self._head(bucket, key))

    def exists(self, bucket: str, key: str) -> bool:
        """Whether an object exists (the bucket must exist).

        Examples
        --------
        >>> store.exists("thera-dev-data", "notes/missing.txt")  # doctest: +SKIP
        False
        """
        try:
            self.head(bucket, key)
        except ObjectNotFoundError:
            return False
        return True

    def delete(self, bucket: str, key: str) -> None:
        """Delete an object; deleting a missing object is not an error (as in S3).

        Examples
        --------
        >>> store.delete("thera-dev-data", "notes/a.txt")  # doctest: +SKIP
        """
        check_bucket(bucket)
        check_key(key)
        self._call(self._subject(bucket, key), lambda: self._delete(bucket, key))

    def list(
        self,
        bucket: str,
        prefix: str = "",
        *,
        delimiter: str | None = None,
        max_keys: int = 1000,
        token: str | None = None,
    ) -> ObjectPage:
        """One page of the objects whose key starts with ``prefix``, in UTF-8 key order.

        Examples
        --------
        >>> page = store.list("thera-dev-data", "raw/apollo/", delimiter="/")  # doctest: +SKIP
        >>> page.prefixes  # doctest: +SKIP
        ['raw/apollo/date=2025-01-30/', 'raw/apollo/date=2025-01-31/']
        """
        check_bucket(bucket)
        check_prefix(prefix)
        if not 1 <= max_keys <= 1000:
            raise ValidationError(f"max_keys must be between 1 and 1000, got {max_keys}.")
        return self._call(
            f"bucket {bucket!r} (prefix {prefix!r})",
            lambda: self._list(bucket, prefix, delimiter, max_keys, token),
        )

    def iter_objects(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object under ``prefix``, following pages.

        Examples
        --------
        >>> [o.key for o in store.iter_objects("thera-dev-data", "notes/")]  # doctest: +SKIP
        """
        token: str | None = None
        while True:
            page = self.list(bucket, prefix, token=token)
            yield from page.objects
            if page.next_token is None:
                return
            token = page.next_token

    def open_reader(self, bucket: str, key: str) -> AbstractContextManager[IO[bytes]]:
        """A binary stream of an object's content, for reading large objects piece by piece.

        Examples
        --------
        >>> with store.open_reader("thera-dev-data", "raw/a.jsonl") as stream:  # doctest: +SKIP
        ...     first = stream.readline()
        """
        check_bucket(bucket)
        check_key(key)
        return self._guard(self._subject(bucket, key), lambda: self._open_reader(bucket, key))

    def open_writer(
        self,
        bucket: str,
        key: str,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> AbstractContextManager[IO[bytes]]:
        """A binary stream that becomes the object when the ``with`` block ends without error.

        Nothing is visible before then; if the block raises (or the process dies), the previous
        object, if any, stays as it was.

        Examples
        --------
        >>> with store.open_writer("thera-dev-data", "raw/a.jsonl") as out:  # doctest: +SKIP
        ...     out.write(b'{"id": 1}\\n')
        """
        check_bucket(bucket)
        check_key(key)
        meta = self._checked_metadata(metadata, key)
        return self._guard(
            self._subject(bucket, key),
            lambda: self._open_writer(bucket, key, content_type, meta),
        )

    def replace_prefix(
        self,
        bucket: str,
        prefix: str,
        files: Iterable[tuple[str, bytes]],
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
    ) -> builtins.list[str]:
        """Make ``prefix`` (ending in ``/``) hold exactly ``files`` (name, content) and return the
        new keys. Locally the swap is atomic: readers see the old set or the new set. On S3 the
        new objects are written first and the old ones deleted after, so a reader may briefly
        see both, never a part of the new set without the old.

        Examples
        --------
        >>> store.replace_prefix("thera-dev-data", "silver/companies/date=2025-01-31/",
        ...                      [("part-0.parquet", data)])  # doctest: +SKIP
        """
        check_bucket(bucket)
        if not prefix.endswith("/"):
            raise ValidationError(f"Prefix {prefix!r} must end with '/' to name a folder.")
        check_prefix(prefix)

        def checked() -> Iterator[tuple[str, bytes]]:
            for name, data in files:
                check_key(prefix + name)
                yield name, bytes(data)

        return self._call(
            self._subject(bucket, prefix),
            lambda: self._replace_prefix(bucket, prefix, checked(), content_type),
        )

    def close(self) -> None:
        """Release resources held by the adapter."""

    # -- shared checks ---------------------------------------------------------------------------
    @staticmethod
    def _subject(bucket: str, key: str) -> str:
        return f"object {key!r} in bucket {bucket!r}"

    @staticmethod
    def _checked_metadata(metadata: Mapping[str, str] | None, key: str) -> dict[str, str]:
        meta = {str(k).lower(): str(v) for k, v in (metadata or {}).items()}
        for name in meta:
            if not re.fullmatch(r"[a-z0-9-]+", name):
                raise ValidationError(
                    f"Metadata name {name!r} for {key!r} must use letters, digits and hyphens."
                )
        if sum(len(k) + len(v.encode("utf-8")) for k, v in meta.items()) > 2048:
            raise ValidationError(f"Metadata for {key!r} is over S3's 2 KB limit; store less.")
        return meta

    # -- hooks -----------------------------------------------------------------------------------
    @abstractmethod
    def _create_bucket(self, bucket: str) -> None: ...

    @abstractmethod
    def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo: ...

    @abstractmethod
    def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes: ...

    @abstractmethod
    def _head(self, bucket: str, key: str) -> ObjectInfo: ...

    @abstractmethod
    def _delete(self, bucket: str, key: str) -> None: ...

    @abstractmethod
    def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage: ...

    @abstractmethod
    def _open_reader(self, bucket: str, key: str) -> AbstractContextManager[IO[bytes]]: ...

    @abstractmethod
    def _open_writer(
        self, bucket: str, key: str, content_type: str, metadata: dict[str, str]
    ) -> AbstractContextManager[IO[bytes]]: ...

    @abstractmethod
    def _replace_prefix(
        self, bucket: str, prefix: str, files: Iterator[tuple[str, bytes]], content_type: str
    ) -> builtins.list[str]: ...
