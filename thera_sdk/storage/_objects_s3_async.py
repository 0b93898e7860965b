"""The async AWS objects adapter: Amazon S3 through aioboto3."""

from __future__ import annotations

import asyncio
from typing import Any

from thera_sdk._exceptions import TheraError
from thera_sdk.storage._aws import CLIENT_CONFIG, error_code
from thera_sdk.storage._objects import ObjectInfo, ObjectPage
from thera_sdk.storage._objects_async import AsyncObjectStore
from thera_sdk.storage._objects_s3 import translate_s3_error

__all__ = ["AsyncS3ObjectStore"]


class AsyncS3ObjectStore(AsyncObjectStore):
    """Objects in Amazon S3 for asyncio code.

    Parameters
    ----------
    client
        An entered aioboto3/aiobotocore ``s3`` client. When ``None``, one is opened on first
        use from an ``aioboto3.Session`` with ``region`` and ``endpoint_url``, and closed by
        :meth:`aclose`. Either way the client belongs to one event loop: use the store inside
        one ``asyncio.run``.

    Examples
    --------
    >>> async with AsyncS3ObjectStore(region="us-east-1") as store:  # doctest: +SKIP
    ...     data = await store.get("thera-dev-data", "matcher/index.json")
    """

    def __init__(
        self,
        client: Any = None,
        *,
        region: str | None = None,
        endpoint_url: str | None = None,
    ) -> None:
        self._client = client
        self._owned: Any = None
        self._region = region
        self._endpoint_url = endpoint_url
        self._lock = asyncio.Lock()

    async def _s3(self) -> Any:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    import aioboto3

                    factory = aioboto3.Session().client(
                        "s3",
                        region_name=self._region,
                        endpoint_url=self._endpoint_url,
                        config=CLIENT_CONFIG,
                    )
                    self._client = await factory.__aenter__()
                    self._owned = factory
        return self._client

    async def aclose(self) -> None:
        if self._owned is not None:
            owned, self._owned, self._client = self._owned, None, None
            await owned.__aexit__(None, None, None)

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_s3_error(exc, subject)

    async def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        s3 = await self._s3()
        response = await s3.put_object(
            Bucket=bucket, Key=key, Body=data, ContentType=content_type, Metadata=metadata
        )
        return ObjectInfo(
            bucket,
            key,
            len(data),
            str(response.get("ETag", "")).strip('"'),
            content_type,
            dict(metadata),
        )

    async def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes:
        s3 = await self._s3()
        args: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if byte_range is not None:
            args["Range"] = f"bytes={byte_range[0]}-{byte_range[1] - 1}"
        response = await s3.get_object(**args)
        async with response["Body"] as stream:
            data: bytes = await stream.read()
        return data

    async def _head(self, bucket: str, key: str) -> ObjectInfo:
        s3 = await self._s3()
        try:
            response = await s3.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in {"404", "NotFound"}:
                await s3.head_bucket(Bucket=bucket)
            raise
        return ObjectInfo(
            bucket=bucket,
            key=key,
            size=int(response.get("ContentLength", 0)),
            etag=str(response.get("ETag", "")).strip('"'),
            content_type=str(response.get("ContentType", "")) or "application/octet-stream",
            metadata=dict(response.get("Metadata", {})),
            last_modified=response.get("LastModified"),
        )

    async def _delete(self, bucket: str, key: str) -> None:
        s3 = await self._s3()
        await s3.delete_object(Bucket=bucket, Key=key)

    async def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage:
        s3 = await self._s3()
        args: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if delimiter:
            args["Delimiter"] = delimiter
        if token:
            args["ContinuationToken"] = token
        response = await s3.list_objects_v2(**args)
        objects = [
            ObjectInfo(
                bucket,
                entry["Key"],
                int(entry["Size"]),
                str(entry.get("ETag", "")).strip('"'),
                last_modified=entry.get("LastModified"),
            )
            for entry in response.get("Contents", [])
        ]
        prefixes = [entry["Prefix"] for entry in response.get("CommonPrefixes", [])]
        next_token = response.get("NextContinuationToken") if response.get("IsTruncated") else None
        return ObjectPage(objects, prefixes, next_token)
