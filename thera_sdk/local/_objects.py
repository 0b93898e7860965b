"""The object access a Distributed Map needs, over a plain directory (one folder per bucket)."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class DirectoryObjects:
    """``root/<bucket>/<key>`` files standing in for S3 objects."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _path(self, bucket: str, key: str) -> Path:
        path = (self.root / bucket / key).resolve()
        if not str(path).startswith(str((self.root / bucket).resolve())):
            raise ValueError(f"The key {key!r} leaves bucket {bucket!r}.")
        return path

    def get_bytes(self, bucket: str, key: str) -> bytes:
        path = self._path(bucket, key)
        if not path.is_file():
            raise FileNotFoundError(f"No object s3://{bucket}/{key} (looked for {path}).")
        return path.read_bytes()

    def put_bytes(self, bucket: str, key: str, body: bytes) -> None:
        path = self._path(bucket, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list_objects(self, bucket: str, prefix: str = "") -> list[dict[str, Any]]:
        base = self.root / bucket
        if not base.is_dir():
            raise FileNotFoundError(f"No bucket {bucket!r} (looked for {base}).")
        items = []
        for path in sorted(base.rglob("*")):
            key = path.relative_to(base).as_posix()
            if path.is_file() and key.startswith(prefix) and not path.name.startswith(".tmp-"):
                stat = path.stat()
                items.append(
                    {
                        "Etag": f'"{stat.st_mtime_ns:x}{stat.st_size:x}"',
                        "Key": key,
                        "LastModified": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                        "Size": stat.st_size,
                        "StorageClass": "STANDARD",
                    }
                )
        return items
