"""The AWS objects adapter: Amazon S3 through a boto3 client."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from boto3.exceptions import S3UploadFailedError

from thera_sdk._exceptions import (
    BucketNotFoundError,
    ObjectNotFoundError,
    RequestError,
    TheraError,
    ValidationError,
)
from thera_sdk.storage._aws import error_code, make_client, translate_aws_error
from thera_sdk.storage._objects import ObjectInfo, ObjectPage, ObjectStore

__all__ = ["S3ObjectStore", "translate_s3_error"]

_SPOOL_BYTES = 8 * 1024 * 1024


def translate_s3_error(exc: Exception, subject: str) -> TheraError | None:
    """Map a botocore S3 error, telling a missing bucket from a missing object."""
    code = error_code(exc)
    if isinstance(exc, S3UploadFailedError):
        code = "NoSuchBucket" if "NoSuchBucket" in str(exc) else code
        if code != "NoSuchBucket":
            return RequestError(f"Uploading {subject} failed: {exc}; retry.")
    if code == "NoSuchBucket" or (code in {"404", "NotFound"} and "HeadBucket" in str(exc)):
        return BucketNotFoundError(
            f"The bucket of {subject} does not exist; create it (cloudformation/) or check "
            "the bucket name in the configuration."
        )
    if code in {"NoSuchKey", "404", "NotFound"}:
        return ObjectNotFoundError(
            f"{subject} does not exist; check the key (list the prefix to see what is there)."
        )
    if code == "InvalidRange":
        return ValidationError(f"The byte range asked of {subject} starts past its end.")
    return translate_aws_error(exc, subject)


def _info(bucket: str, key: str, response: dict[str, Any], size_field: str) -> ObjectInfo:
    return ObjectInfo(
        bucket=bucket,
        key=key,
        size=int(response.get(size_field, 0)),
        etag=str(response.get("ETag", "")).strip('"'),
        content_type=str(response.get("ContentType", "")) or "application/octet-stream",
        metadata=dict(response.get("Metadata", {})),
        last_modified=response.get("LastModified"),
    )


class S3ObjectStore(ObjectStore):
    """Objects in Amazon S3.

    Parameters
    ----------
    client
        A boto3 ``s3`` client; one is made from the default session when ``None``.

    Examples
    --------
    >>> store = S3ObjectStore(boto3.client("s3"))  # doctest: +SKIP
    >>> store.get("thera-dev-data", "raw/apollo/date=2025-01-31/part-0.jsonl.gz")  # doctest: +SKIP
    """

    def __init__(self, client: Any = None) -> None:
        self._client = client if client is not None else make_client("s3")

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        return translate_s3_error(exc, subject)

    def _create_bucket(self, bucket: str) -> None:
        region = self._client.meta.region_name
        args: dict[str, Any] = {"Bucket": bucket}
        if region and region != "us-east-1":
            args["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self._client.create_bucket(**args)
        except Exception as exc:
            if error_code(exc) != "BucketAlreadyOwnedByYou":
                raise

    def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        response = self._client.put_object(
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

    def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes:
        args: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if byte_range is not None:
            args["Range"] = f"bytes={byte_range[0]}-{byte_range[1] - 1}"
        body = self._client.get_object(**args)["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def _head(self, bucket: str, key: str) -> ObjectInfo:
        try:
            response = self._client.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            if error_code(exc) in {"404", "NotFound"}:
                self._client.head_bucket(Bucket=bucket)  # a missing bucket answers 404 too
            raise
        return _info(bucket, key, response, "ContentLength")

    def _delete(self, bucket: str, key: str) -> None:
        self._client.delete_object(Bucket=bucket, Key=key)

    def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage:
        args: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": max_keys}
        if delimiter:
            args["Delimiter"] = delimiter
        if token:
            args["ContinuationToken"] = token
        response = self._client.list_objects_v2(**args)
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

    @contextmanager
    def _open_reader(self, bucket: str, key: str) -> Iterator[IO[bytes]]:
        body = self._client.get_object(Bucket=bucket, Key=key)["Body"]
        try:
            yield body
        finally:
            body.close()

    @contextmanager
    def _open_writer(
        self, bucket: str, key: str, content_type: str, metadata: dict[str, str]
    ) -> Iterator[IO[bytes]]:
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            yield spool  # type: ignore[misc]
            spool.seek(0)
            self._client.upload_fileobj(
                spool, bucket, key, ExtraArgs={"ContentType": content_type, "Metadata": metadata}
            )

    def _replace_prefix(
        self, bucket: str, prefix: str, files: Iterator[tuple[str, bytes]], content_type: str
    ) -> list[str]:
        old = {info.key for info in self.iter_objects(bucket, prefix)}
        keys: list[str] = []
        for name, data in files:
            key = prefix + name
            self._client.put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)
            keys.append(key)
        stale = sorted(old - set(keys))
        for start in range(0, len(stale), 1000):
            self._client.delete_objects(
                Bucket=bucket,
                Delete={
                    "Objects": [{"Key": k} for k in stale[start : start + 1000]],
                    "Quiet": True,
                },
            )
        return keys
