"""The async objects port: S3 through aioboto3 (moto server) and the local store in threads."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from thera_sdk import BucketNotFoundError, ObjectNotFoundError, ValidationError
from thera_sdk.storage import (
    AsyncLocalObjectStore,
    AsyncObjectStore,
    AsyncS3ObjectStore,
    LocalObjectStore,
    ObjectStore,
)


@pytest.fixture
def async_objects(
    objects: ObjectStore, backend: str, request: pytest.FixtureRequest
) -> Iterator[AsyncObjectStore]:
    """The async twin of the ``objects`` fixture, over the same buckets."""
    if backend == "local":
        assert isinstance(objects, LocalObjectStore)
        yield AsyncLocalObjectStore(objects)
    else:
        endpoint = request.getfixturevalue("moto_endpoint")
        yield AsyncS3ObjectStore(region="us-east-1", endpoint_url=endpoint)


def test_async_put_get_list_head_delete(
    async_objects: AsyncObjectStore, objects: ObjectStore, bucket: str
) -> None:
    async def scenario() -> None:
        async with async_objects as store:
            # WHEN objects are written concurrently
            await asyncio.gather(
                *(store.put(bucket, f"a/{i}.txt", f"v{i}".encode(), content_type="text/plain")
                  for i in range(12))
            )  # fmt: skip
            # THEN they read back, list in order and delete, as with the sync port
            assert await store.get(bucket, "a/3.txt") == b"v3"
            assert await store.get_range(bucket, "a/11.txt", 1, 3) == b"11"
            head = await store.head(bucket, "a/0.txt")
            assert (head.size, head.content_type) == (2, "text/plain")
            page = await store.list(bucket, "a/", max_keys=5)
            assert [o.key for o in page.objects] == [f"a/{i}.txt" for i in (0, 1, 10, 11, 2)]
            assert len([o async for o in store.iter_objects(bucket, "a/")]) == 12
            await store.delete(bucket, "a/0.txt")
            assert not await store.exists(bucket, "a/0.txt")
            with pytest.raises(ObjectNotFoundError, match=r"'a/0.txt'"):
                await store.get(bucket, "a/0.txt")
            with pytest.raises(BucketNotFoundError, match=r"no-such-bucket-y"):
                await store.get("no-such-bucket-y", "a")
            with pytest.raises(ValidationError):
                await store.put(bucket, "a//b", b"x")

    asyncio.run(scenario())
    assert objects.get(bucket, "a/5.txt") == b"v5"  # the sync port sees the same objects


def test_async_local_store_from_a_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    store.create_bucket("demo-bucket")

    async def scenario() -> bytes:
        async with AsyncLocalObjectStore(store) as async_store:
            await async_store.put("demo-bucket", "k", b"value")
            return await async_store.get("demo-bucket", "k")

    assert asyncio.run(scenario()) == b"value"
