"""The local objects adapter: one folder per bucket under ``<home>/objects``.

An object is a plain file at ``<bucket>/<key>`` (so DuckDB and pyarrow read datasets in place).
Writes go to ``.staging/`` first, are fsynced, then renamed over the target: a reader sees the
old file or the new one, whole. Content type, metadata and ETag live in a sidecar under
``.meta/<bucket>/<key>.json``, tied to the file's inode, size and mtime; a sidecar that does not
match its file (a crash between the two renames) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from thera_sdk._exceptions import (
    AccessDeniedError,
    BucketNotFoundError,
    ObjectNotFoundError,
    TheraError,
    ValidationError,
)
from thera_sdk.storage._files import (
    exchange_directories,
    file_md5,
    fsync_directory,
    new_temp_path,
    remove_stale,
    sync_stream,
    write_durably,
)
from thera_sdk.storage._objects import DEFAULT_CONTENT_TYPE, ObjectInfo, ObjectPage, ObjectStore

__all__ = ["LocalObjectStore"]


class LocalObjectStore(ObjectStore):
    """Objects as files under ``root`` (``<THERA_HOME>/objects`` from the configuration).

    Examples
    --------
    >>> import tempfile
    >>> store = LocalObjectStore(tempfile.mkdtemp())
    >>> store.create_bucket("demo-bucket")
    >>> store.put("demo-bucket", "a/b.txt", b"hi", content_type="text/plain").size
    2
    >>> store.get("demo-bucket", "a/b.txt")
    b'hi'
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._staging = self.root / ".staging"
        self._meta = self.root / ".meta"
        remove_stale(self._staging)

    # -- paths -----------------------------------------------------------------------------------
    def path(self, bucket: str, key: str = "") -> Path:
        """The file (or folder, for a prefix) holding ``key`` in ``bucket``."""
        base = self.root / bucket
        return base.joinpath(*key.rstrip("/").split("/")) if key else base

    def _bucket_dir(self, bucket: str) -> Path:
        base = self.root / bucket
        if not base.is_dir():
            raise BucketNotFoundError(
                f"Bucket {bucket!r} does not exist under {self.root}; create it with "
                f"create_bucket({bucket!r}) or check the bucket name in the configuration."
            )
        return base

    def _file(self, bucket: str, key: str) -> Path:
        self._bucket_dir(bucket)
        path = self.path(bucket, key)
        if not path.is_file():
            raise ObjectNotFoundError(
                f"Object {key!r} does not exist in bucket {bucket!r}; check the key (list the "
                "prefix to see what is there)."
            )
        return path

    def _sidecar(self, bucket: str, key: str) -> Path:
        return self._meta.joinpath(bucket, *key.split("/")).with_name(key.split("/")[-1] + ".json")

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        if isinstance(exc, PermissionError):
            return AccessDeniedError(f"The file system refused access to {subject}: {exc}.")
        if isinstance(exc, FileNotFoundError):
            return ObjectNotFoundError(f"{subject} does not exist (it may have just been deleted).")
        if isinstance(exc, (NotADirectoryError, IsADirectoryError, FileExistsError)):
            return ValidationError(
                f"{subject} clashes with another key locally (one key is a folder of the "
                "other, e.g. 'a' and 'a/b'); S3 allows this but the local store cannot."
            )
        return None

    # -- writes ----------------------------------------------------------------------------------
    def _create_bucket(self, bucket: str) -> None:
        (self.root / bucket).mkdir(exist_ok=True)

    def _commit(
        self,
        temp: Path,
        bucket: str,
        key: str,
        content_type: str,
        metadata: dict[str, str],
        etag: str,
    ) -> ObjectInfo:
        target = self.path(bucket, key)
        stat = temp.stat()
        sidecar = {
            "content_type": content_type,
            "metadata": metadata,
            "etag": etag,
            "file": [stat.st_ino, stat.st_size, stat.st_mtime_ns],
        }
        meta_path = self._sidecar(bucket, key)
        meta_path.parent.mkdir(parents=True, exist_ok=True)
        meta_temp = new_temp_path(self._staging, ".json")
        write_durably(meta_temp, json.dumps(sidecar).encode())
        os.replace(meta_temp, meta_path)
        for attempt in range(3):  # a concurrent delete may remove empty parent folders
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(temp, target)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
        fsync_directory(target.parent)
        return ObjectInfo(
            bucket,
            key,
            stat.st_size,
            etag,
            content_type,
            dict(metadata),
            datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    def _put(
        self, bucket: str, key: str, data: bytes, content_type: str, metadata: dict[str, str]
    ) -> ObjectInfo:
        self._bucket_dir(bucket)
        temp = new_temp_path(self._staging)
        try:
            write_durably(temp, data)
            etag = hashlib.md5(data, usedforsecurity=False).hexdigest()
            return self._commit(temp, bucket, key, content_type, metadata, etag)
        finally:
            temp.unlink(missing_ok=True)

    @contextmanager
    def _open_writer(
        self, bucket: str, key: str, content_type: str, metadata: dict[str, str]
    ) -> Iterator[IO[bytes]]:
        self._bucket_dir(bucket)
        temp = new_temp_path(self._staging)
        try:
            with open(temp, "xb") as stream:
                yield stream
                sync_stream(stream)
            self._commit(temp, bucket, key, content_type, metadata, file_md5(temp))
        finally:
            temp.unlink(missing_ok=True)

    def _delete(self, bucket: str, key: str) -> None:
        base = self._bucket_dir(bucket)
        path = self.path(bucket, key)
        if path.is_file():
            path.unlink(missing_ok=True)
            self._sidecar(bucket, key).unlink(missing_ok=True)
            parent = path.parent
            while parent != base:  # S3 has no folders: drop the ones left empty
                try:
                    parent.rmdir()
                except OSError:
                    break
                parent = parent.parent

    def _replace_prefix(
        self, bucket: str, prefix: str, files: Iterator[tuple[str, bytes]], content_type: str
    ) -> list[str]:
        self._bucket_dir(bucket)
        staged = new_temp_path(self._staging, ".dir")
        staged_meta = new_temp_path(self._staging, ".meta")
        keys: list[str] = []
        try:
            for name, data in files:
                path = staged.joinpath(*name.split("/"))
                path.parent.mkdir(parents=True, exist_ok=True)
                write_durably(path, data)
                stat = path.stat()
                sidecar = {
                    "content_type": content_type,
                    "metadata": {},
                    "etag": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                    "file": [stat.st_ino, stat.st_size, stat.st_mtime_ns],
                }
                meta_path = staged_meta.joinpath(*name.split("/")).with_name(
                    name.split("/")[-1] + ".json"
                )
                meta_path.parent.mkdir(parents=True, exist_ok=True)
                meta_path.write_text(json.dumps(sidecar))
                keys.append(prefix + name)
            staged.mkdir(parents=True, exist_ok=True)
            fsync_directory(staged)
            old = exchange_directories(staged, self.path(bucket, prefix))
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            staged_meta.mkdir(parents=True, exist_ok=True)
            old_meta = exchange_directories(
                staged_meta, self._meta.joinpath(bucket, *prefix.rstrip("/").split("/"))
            )
            if old_meta is not None:
                shutil.rmtree(old_meta, ignore_errors=True)
        finally:
            shutil.rmtree(staged, ignore_errors=True)
            shutil.rmtree(staged_meta, ignore_errors=True)
        return keys

    # -- reads -----------------------------------------------------------------------------------
    def _get(self, bucket: str, key: str, byte_range: tuple[int, int] | None) -> bytes:
        with open(self._file(bucket, key), "rb") as stream:
            if byte_range is None:
                return stream.read()
            stream.seek(byte_range[0])
            return stream.read(byte_range[1] - byte_range[0])

    @contextmanager
    def _open_reader(self, bucket: str, key: str) -> Iterator[IO[bytes]]:
        with open(self._file(bucket, key), "rb") as stream:
            yield stream

    def _head(self, bucket: str, key: str) -> ObjectInfo:
        path = self._file(bucket, key)
        stat = path.stat()
        sidecar = self._read_sidecar(bucket, key)
        if sidecar.get("file") != [stat.st_ino, stat.st_size, stat.st_mtime_ns]:
            guessed = mimetypes.guess_type(key)[0] or DEFAULT_CONTENT_TYPE
            sidecar = {"content_type": guessed, "metadata": {}, "etag": file_md5(path)}
        return ObjectInfo(
            bucket,
            key,
            stat.st_size,
            sidecar["etag"],
            sidecar["content_type"],
            dict(sidecar["metadata"]),
            datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    def _listed(self, bucket: str, key: str) -> ObjectInfo:
        """What a listing reports, as S3 does: key, size, ETag and time (no content type)."""
        head = self._head(bucket, key)
        return ObjectInfo(bucket, key, head.size, head.etag, last_modified=head.last_modified)

    def _read_sidecar(self, bucket: str, key: str) -> dict[str, Any]:
        try:
            result: dict[str, Any] = json.loads(self._sidecar(bucket, key).read_text())
            return result
        except (OSError, ValueError):
            return {}

    def _list(
        self, bucket: str, prefix: str, delimiter: str | None, max_keys: int, token: str | None
    ) -> ObjectPage:
        base = self._bucket_dir(bucket)
        keys = sorted(self._keys_under(base, prefix), key=lambda k: k.encode("utf-8"))
        entries: list[tuple[str, bool]] = []  # (key or common prefix, is_prefix)
        for key in keys:
            if delimiter:
                cut = key.find(delimiter, len(prefix))
                if cut >= 0:
                    common = key[: cut + len(delimiter)]
                    if not entries or entries[-1] != (common, True):
                        entries.append((common, True))
                    continue
            entries.append((key, False))
        if token is not None:
            entries = [e for e in entries if e[0].encode("utf-8") > token.encode("utf-8")]
        page, rest = entries[:max_keys], entries[max_keys:]
        objects = [self._listed(bucket, key) for key, is_prefix in page if not is_prefix]
        prefixes = [key for key, is_prefix in page if is_prefix]
        return ObjectPage(objects, prefixes, page[-1][0] if rest else None)

    def _keys_under(self, base: Path, prefix: str) -> Iterator[str]:
        folder = prefix[: prefix.rfind("/") + 1]
        start = base.joinpath(*folder.rstrip("/").split("/")) if folder else base
        if not start.is_dir():
            return
        for directory, _dirs, names in os.walk(start):
            relative = Path(directory).relative_to(base).as_posix()
            for name in names:
                key = name if relative == "." else f"{relative}/{name}"
                if key.startswith(prefix):
                    yield key
