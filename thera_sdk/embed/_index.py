"""The matcher index in object storage: write a version, switch the pointer, read it back.

Layout in the index bucket (logical name ``gold``)::

    matcher_index/current.json                 {"version": "<v>"}   written last: the switch
    matcher_index/<v>/vectors.npy              float32, N x D, rows of unit length
    matcher_index/<v>/meta.parquet             row i describes vector i (META_SCHEMA)
    matcher_index/<v>/manifest.json            {"version", "embedder", "count", "created_at", ...}
    matcher_index/<v>/<state files>            e.g. embedder.npz: the local embedder's IDF table

A version is never modified once written; readers that loaded an older version keep using it
until they reload. The newest ``keep_versions`` versions are kept, older ones deleted after the
switch.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from thera_sdk._exceptions import DataFormatError, ObjectNotFoundError, ValidationError
from thera_sdk.embed._exceptions import EmbedderUnavailableError
from thera_sdk.embed._models import KINDS, Embedder
from thera_sdk.storage import ObjectStore, read_parquet, write_parquet

__all__ = [
    "INDEX_POINTER",
    "INDEX_PREFIX",
    "META_SCHEMA",
    "IndexWritten",
    "MatcherIndex",
    "load_embedder",
    "meta_table",
    "read_index",
    "read_manifest",
    "write_index",
]

INDEX_PREFIX = "matcher_index/"
INDEX_POINTER = INDEX_PREFIX + "current.json"
META_SCHEMA = pa.schema(
    [
        ("startup_id", pa.string()),
        ("name", pa.string()),
        ("domain", pa.string()),
        ("description", pa.string()),
        ("industry", pa.string()),
        ("country", pa.string()),
        ("city", pa.string()),
        ("keywords", pa.list_(pa.string())),
        ("employees", pa.int64()),
        ("founded_year", pa.int64()),
        ("richness", pa.float64()),
        ("health_score", pa.float64()),
        ("content_hash", pa.string()),
    ]
)
_UNIT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class MatcherIndex:
    """One version of the index, loaded: ``vectors[i]`` belongs to row ``i`` of ``meta``.

    ``embedder`` embeds a query exactly as the documents were (``None`` when the index was
    read without it).
    """

    vectors: np.ndarray
    meta: pa.Table
    manifest: Mapping[str, Any]
    embedder: Embedder | None = None

    @property
    def version(self) -> str:
        """The version id."""
        return str(self.manifest["version"])

    def __len__(self) -> int:
        return int(self.vectors.shape[0])

    def similarities(self, text: str) -> np.ndarray:
        """Cosine of ``text`` with every row (needs the embedder).

        Examples
        --------
        >>> index.similarities("card fraud").shape  # doctest: +SKIP
        (1000,)
        """
        if self.embedder is None:
            raise EmbedderUnavailableError("This index was read without its embedder.")
        query = self.embedder.embed([text]).vectors[0]
        return self.vectors @ query


@dataclass(frozen=True)
class IndexWritten:
    """What :func:`write_index` wrote: the version and every key, pointer last."""

    version: str
    count: int
    keys: list[str] = field(default_factory=list)


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _number(value: Any, kind: type) -> Any:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return int(number) if kind is int else number


def meta_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Company rows as the index's metadata table (:data:`META_SCHEMA`).

    ``startup_id`` falls back to ``id``; keywords may be a list or comma-separated text;
    missing values are null.

    Examples
    --------
    >>> table = meta_table([{"id": "c1", "name": "Acme", "keywords": "a, b"}])
    >>> table.column("keywords").to_pylist()
    [['a', 'b']]
    """
    out: dict[str, list[Any]] = {name: [] for name in META_SCHEMA.names}
    for row in rows:
        ident = _text(row.get("startup_id") or row.get("id"))
        if ident is None:
            raise ValidationError(f"Index row {dict(row)!r} has no startup_id.")
        keywords = row.get("keywords") or []
        if isinstance(keywords, str):
            keywords = keywords.split(",")
        out["startup_id"].append(ident)
        for name in ("name", "domain", "description", "industry", "country", "city"):
            out[name].append(_text(row.get(name)))
        out["keywords"].append([k for k in (_text(k) for k in keywords) if k])
        out["employees"].append(_number(row.get("employees"), int))
        out["founded_year"].append(_number(row.get("founded_year"), int))
        out["richness"].append(_number(row.get("richness"), float))
        out["health_score"].append(_number(row.get("health_score"), float))
        out["content_hash"].append(_text(row.get("content_hash")))
    return pa.Table.from_pydict(out, schema=META_SCHEMA)


def _check_vectors(vectors: np.ndarray, rows: int) -> np.ndarray:
    array = np.ascontiguousarray(vectors, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] != rows:
        raise ValidationError(f"Vectors of shape {array.shape} do not match {rows} metadata rows.")
    if not np.isfinite(array).all():
        raise ValidationError("Index vectors contain NaN or infinity.")
    norms = np.linalg.norm(array, axis=1)
    if array.shape[0] and np.any(np.abs(norms - 1.0) > _UNIT_TOLERANCE):
        raise ValidationError("Index vectors must have unit length (normalise the rows).")
    return array


def new_version(now: dt.datetime | None = None) -> str:
    """A sortable, unique version id such as ``20250131T020304Z-1a2b3c``.

    Examples
    --------
    >>> new_version(dt.datetime(2025, 1, 31, 2, 3, 4, tzinfo=dt.UTC))[:17]
    '20250131T020304Z-'
    """
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"{moment:%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def write_index(
    objects: ObjectStore,
    bucket: str,
    vectors: np.ndarray,
    meta: pa.Table | Sequence[Mapping[str, Any]],
    embedder: Embedder,
    *,
    version: str | None = None,
    created_at: dt.datetime | None = None,
    extra: Mapping[str, Any] | None = None,
    keep_versions: int = 3,
) -> IndexWritten:
    """Write a new index version, then point ``matcher_index/current.json`` at it.

    Parameters
    ----------
    objects, bucket
        Where to write (the ``gold`` bucket).
    vectors
        N x D unit rows, as the embedder produced them.
    meta
        N rows: a table in :data:`META_SCHEMA` or mappings for :func:`meta_table`.
    embedder
        The embedder that made the vectors: its ``spec()`` goes into the manifest and its
        ``state_files()`` beside it, so :func:`load_embedder` can rebuild it.
    version, created_at
        Default: a new time-based version, now.
    extra
        More manifest fields (e.g. run counts).
    keep_versions
        Versions kept after the switch (older ones are deleted).

    Examples
    --------
    >>> written = write_index(store, "thera-dev-gold", vectors, rows, embedder)  # doctest: +SKIP
    >>> written.keys[-1]  # doctest: +SKIP
    'matcher_index/current.json'
    """
    table = meta if isinstance(meta, pa.Table) else meta_table(meta)
    if table.schema.names[: len(META_SCHEMA)] != META_SCHEMA.names:
        table = meta_table(table.to_pylist())
    ids = table.column("startup_id").to_pylist()
    if len(set(ids)) != len(ids):
        raise ValidationError("Index rows must have unique startup_id values.")
    array = _check_vectors(vectors, table.num_rows)
    if array.shape[0] and array.shape[1] != embedder.dim:
        raise ValidationError(
            f"Vectors have {array.shape[1]} dimensions but the embedder makes {embedder.dim}."
        )
    moment = (created_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    version = version or new_version(moment)
    base = f"{INDEX_PREFIX}{version}/"
    keys: list[str] = []

    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    objects.put(bucket, base + "vectors.npy", buffer.getvalue())
    keys.append(base + "vectors.npy")
    write_parquet(objects, bucket, base + "meta.parquet", table)
    keys.append(base + "meta.parquet")
    state = dict(embedder.state_files())
    for name, data in sorted(state.items()):
        objects.put(bucket, base + name, data)
        keys.append(base + name)
    manifest = {
        **dict(extra or {}),
        "version": version,
        "embedder": {**embedder.spec(), "files": sorted(state)},
        "count": int(array.shape[0]),
        "dim": int(embedder.dim),
        "created_at": moment.isoformat().replace("+00:00", "Z"),
    }
    objects.put(
        bucket,
        base + "manifest.json",
        json.dumps(manifest, indent=1).encode(),
        content_type="application/json",
    )
    keys.append(base + "manifest.json")
    objects.put(  # the switch: readers move to the new version only now
        bucket,
        INDEX_POINTER,
        json.dumps({"version": version}).encode(),
        content_type="application/json",
    )
    keys.append(INDEX_POINTER)
    _prune(objects, bucket, keep_versions, current=version)
    return IndexWritten(version, int(array.shape[0]), keys)


def _prune(objects: ObjectStore, bucket: str, keep: int, *, current: str) -> None:
    page = objects.list(bucket, INDEX_PREFIX, delimiter="/")
    versions = sorted(p[len(INDEX_PREFIX) : -1] for p in page.prefixes)
    old = [v for v in versions if v != current][: max(0, len(versions) - max(1, keep))]
    for version in old:
        for info in list(objects.iter_objects(bucket, f"{INDEX_PREFIX}{version}/")):
            objects.delete(bucket, info.key)


def read_manifest(objects: ObjectStore, bucket: str, version: str | None = None) -> dict | None:
    """The manifest of ``version`` (default: the current one), or ``None`` if there is no index.

    Examples
    --------
    >>> read_manifest(store, "thera-dev-gold") is None  # doctest: +SKIP
    True
    """
    try:
        if version is None:
            pointer = json.loads(objects.get(bucket, INDEX_POINTER))
            version = str(pointer["version"])
        data = objects.get(bucket, f"{INDEX_PREFIX}{version}/manifest.json")
    except ObjectNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise DataFormatError(f"{INDEX_POINTER!r} in {bucket!r} is not valid JSON.") from exc
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise DataFormatError(f"Manifest of index version {version!r} is not JSON.") from exc
    if not isinstance(manifest, dict) or "embedder" not in manifest:
        raise DataFormatError(f"Manifest of index version {version!r} has no embedder.")
    return manifest


def load_embedder(
    manifest: Mapping[str, Any],
    objects: ObjectStore | None = None,
    bucket: str | None = None,
    *,
    bedrock_client: Any = None,
) -> Embedder:
    """Rebuild the embedder a manifest describes, so queries are embedded like the documents.

    The local embedder needs ``objects`` and ``bucket`` to read its state files; the Bedrock
    one uses ``bedrock_client`` (or makes one for the recorded region on first use); the
    neural one needs the ``local-ml`` extra.

    Examples
    --------
    >>> embedder = load_embedder(read_manifest(store, "thera-dev-gold"), store,
    ...                          "thera-dev-gold")  # doctest: +SKIP
    """
    spec = dict(manifest.get("embedder") or {})
    kind = spec.get("kind")
    if kind not in KINDS:
        raise DataFormatError(f"Index manifest names embedder kind {kind!r}; expected {KINDS}.")
    if kind == "local":
        from thera_sdk.embed._local import LocalEmbedder

        if objects is None or bucket is None:
            raise ValidationError("The local embedder's state is read from objects and bucket.")
        base = f"{INDEX_PREFIX}{manifest['version']}/"
        files = {name: objects.get(bucket, base + name) for name in spec.get("files") or []}
        return LocalEmbedder.from_state(spec, files)
    if kind == "bedrock":
        from thera_sdk.embed._bedrock import BedrockTitanEmbedder

        return BedrockTitanEmbedder(
            bedrock_client,
            model_id=str(spec["model"]),
            dim=int(spec["dim"]),
            region=spec.get("region"),
        )
    from thera_sdk.embed._neural import NeuralEmbedder

    return NeuralEmbedder()


def read_index(
    objects: ObjectStore,
    bucket: str,
    *,
    version: str | None = None,
    with_embedder: bool = True,
    bedrock_client: Any = None,
) -> MatcherIndex:
    """Load an index version (default: the current one) with the embedder that built it.

    Raises :class:`~thera_sdk.ObjectNotFoundError` when there is no index yet.

    Examples
    --------
    >>> index = read_index(store, "thera-dev-gold")  # doctest: +SKIP
    >>> index.vectors.shape, index.meta.num_rows  # doctest: +SKIP
    ((1000, 4096), 1000)
    """
    manifest = read_manifest(objects, bucket, version)
    if manifest is None:
        raise ObjectNotFoundError(
            f"No matcher index in bucket {bucket!r}: run the embeddings step first."
        )
    base = f"{INDEX_PREFIX}{manifest['version']}/"
    try:
        vectors = np.load(io.BytesIO(objects.get(bucket, base + "vectors.npy")), allow_pickle=False)
    except ValueError as exc:
        raise DataFormatError(f"{base}vectors.npy is not a NumPy array; rebuild it.") from exc
    meta = read_parquet(objects, bucket, base + "meta.parquet")
    if vectors.ndim != 2 or vectors.shape[0] != meta.num_rows:
        raise DataFormatError(
            f"Index {manifest['version']!r}: {vectors.shape} vectors for {meta.num_rows} rows."
        )
    embedder = (
        load_embedder(manifest, objects, bucket, bedrock_client=bedrock_client)
        if with_embedder
        else None
    )
    return MatcherIndex(vectors.astype(np.float32, copy=False), meta, manifest, embedder)
