"""The objects port for asyncio code: the same checks and results as :class:`ObjectStore`.

:class:`AsyncLocalObjectStore` runs the local adapter's calls in worker threads;
:class:`~thera_sdk.storage.AsyncS3ObjectStore` talks to S3 with aioboto3.
"""

from __future__ import annotations

import asyncio
from abc import abstractmethod
from collections.abc import AsyncIterator, Mapping

from thera_sdk._exceptions import ObjectNotFoundError, ValidationError
from thera_sdk.storage._objects import (
    DEFAULT_CONTENT_TYPE,
    ObjectInfo,
    ObjectPage,
    ObjectStore,
    check_bucket,
    check_key,
    check_prefix,
)
from thera_sdk.storage._objects_local import LocalObjectStore
from thera_sdk.storage._port import Port

__all__ = ["AsyncLocalObjectStore", "AsyncObjectStore"]


class AsyncObjectStore(Port):
    """Buckets of objects, with ``async`` methods (use ``async with`` or :meth:`aclose`)."""

    async def __aenter__(self) -> AsyncObjectStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Release the adapter's connections."""

    async def put(
        self,
        bucket: str,
        key: str,
        data: bytes,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Write an object atomically (see :meth:`ObjectStore.put`).

        Examples
        --------
        >>> await store.put("thera-dev-data", "a.txt", b"hi")  # doctest: +SKIP
        """
        check_bucket(bucket)
        check_key(key)
        meta = ObjectStore._checked_metadata(metadata, key)
        return await self._acall(
            ObjectStore._subject(bucket, key),
            lambda: self._put(bucket, key, bytes(data), content_type, meta),
        )

    async def get(self, bucket: str, key: str) -> bytes:
        """The whole content of an object.

        Examples
        --------
        >>> await store.get("thera-dev-data", "a.txt")  # doctest: +SKIP
        b'hi'
        """
        check_bucket(bucket)
        check_key(key)
        return await self._acall(
            ObjectStore._subject(bucket, key), lambda: self._get(bucket, key, None)
        )

    async def get_range(self, bucket: str, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` (inclusive) to ``end`` (exclusive) of an object.

        Examples
        --------
        >>> await store.get_range("thera-dev-data", "a.txt", 0, 1)  # doctest: +SKIP
        b'h'
        """
        check_bucket(bucket)
        check_key(key)
        if start < 0 or end <= start:
            raise ValidationError(f"Byte range [{start}, {end}) of {key!r} is empty or negative.")
        return await self._acall(
            ObjectStore._subject(bucket, key), lambda: self._get(bucket, key, (start, end))
        )

    async def head(self, bucket: str, key: str) -> ObjectInfo:
        """Size, ETag, content type and metadata of an object.

        Examples
        --------
        >>> (await store.head("thera-dev-data", "a.txt")).size  # doctest: +SKIP
        2
        """
        check_bucket(bucket)
        check_key(key)
        return await self._acall(ObjectStore._subject(bucket, key), lambda: self._head(bucket, key))

    async def exists(self, bucket: str, key: str) -> bool:
        """Whether an object exists.

        Examples
        --------
        >>> await store.exists("thera-dev-data", "nope.txt")  # doctest: +SKIP
        False
        """
        try:
            await self.head(bucket, key)
        except ObjectNotFoundError:
            return False
        return True

    async def delete(self, bucket: str, key: str) -> None:
        """Delete an object (missing objects are not an error).

        Examples
        --------
        >>> await store.delete("thera-dev-data", "a.txt")  # doctest: +SKIP
        """
        check_bucket(bucket)
        check_key(key)
        await self._acall(ObjectStore._subject(bucket, key), lambda: self._delete(bucket, key))

    async def list(
        self,
        bucket: str,
        prefix: str = "",
        *,
        delimiter: str | None = None,
        max_keys: int = 1000,
        token: str | None = None,
    ) -> ObjectPage:
        """One page of a listing (see :meth:`ObjectStore.list`).

        Examples
        --------
        >>> (await store.list("thera-dev-data", "raw/")).objects  # doctest: +SKIP
        """
        check_bucket(bucket)
        check_prefix(prefix)
        if not 1 <= max_keys <= 1000:
            raise ValidationError(f"max_keys must be between 1 and 1000, got {max_keys}.")
        return await self._acall(
            f"bucket {bucket!r} (prefix {prefix!r})",
            lambda: self._list(bucket, prefix, delimiter, max_keys, token),
        )

    async def iter_objects(self, bucket: str, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        """Every object under ``prefix``, following pages.

        Examples
        --------
        >>> [o.key async for o in store.iter_objects("thera-dev-data", "raw/")]  # doctest: +SKIP
        """
        token: str | None = None
        while True:
            page = await self.list(bucket, prefix, token=token)
            for info in page.objects:
                yield info
            if page.next_token is None:
                return
            token = page.next_token

    @abstractmethod
    async def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo: ...

    @abstractmethod
    async def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes: ...

    @abstractmethod
    async def _head(self, bucket: str, key: str) -> ObjectInfo: ...

    @abstractmethod
    async def _delete(self, bucket: str, key: str) -> None: ...

    @abstractmethod
    async def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage: ...


class AsyncLocalObjectStore(AsyncObjectStore):
    """The local objects adapter for asyncio code (blocking file work runs in threads).

    Examples
    --------
    >>> import asyncio, tempfile
    >>> sync = LocalObjectStore(tempfile.mkdtemp()); sync.create_bucket("demo-bucket")
    >>> asyncio.run(AsyncLocalObjectStore(sync).put("demo-bucket", "k", b"v")).size
    1
    """

    def __init__(self, store: LocalObjectStore) -> None:
        self._store = store

    async def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        return await asyncio.to_thread(
            self._store.put, bucket, key, data, content_type=content_type, metadata=metadata
        )

    async def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes:
        if byte_range is None:
            return await asyncio.to_thread(self._store.get, bucket, key)
        return await asyncio.to_thread(self._store.get_range, bucket, key, *byte_range)

    async def _head(self, bucket: str, key: str) -> ObjectInfo:
        return await asyncio.to_thread(self._store.head, bucket, key)

    async def _delete(self, bucket: str, key: str) -> None:
        await asyncio.to_thread(self._store.delete, bucket, key)

    async def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage:
        return await asyncio.to_thread(
            self._store.list, bucket, prefix, delimiter=delimiter, max_keys=max_keys, token=token
        )
