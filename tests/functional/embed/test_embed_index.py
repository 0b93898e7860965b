"""The matcher index on the local objects store: round trip, atomic switch, pruning."""

from __future__ import annotations

import json

import numpy as np
import pytest

from thera_sdk import ObjectNotFoundError, Ports, ValidationError
from thera_sdk.embed import (
    INDEX_POINTER,
    META_SCHEMA,
    LocalConfig,
    LocalEmbedder,
    load_embedder,
    read_index,
    read_manifest,
    write_index,
)

TEXTS = ["card fraud scoring for banks", "freight matching for trucks", "drip irrigation"]
ROWS = [
    {
        "startup_id": f"s{i}",
        "name": f"S{i}",
        "keywords": ["a", "b"],
        "employees": 5,
        "richness": 0.5,
        "health_score": 77,
    }
    for i in range(3)
]


def _bucket(ports: Ports) -> str:
    bucket = ports.settings.bucket_name("gold")
    ports.objects.create_bucket(bucket)
    return bucket


def test_round_trip_rebuilds_vectors_meta_and_the_same_embedder(ports: Ports) -> None:
    # GIVEN an index written with a fitted local embedder
    bucket = _bucket(ports)
    embedder = LocalEmbedder.fit(TEXTS, LocalConfig(dim=2048))
    vectors = embedder.embed(TEXTS).vectors
    written = write_index(ports.objects, bucket, vectors, ROWS, embedder)
    # WHEN it is read back
    index = read_index(ports.objects, bucket)
    # THEN vectors, metadata, manifest and the query embedding are those written
    assert written.keys[-1] == INDEX_POINTER  # the pointer is written last
    assert json.loads(ports.objects.get(bucket, INDEX_POINTER)) == {"version": written.version}
    assert index.vectors.dtype == np.float32 and np.array_equal(index.vectors, vectors)
    assert index.meta.schema.equals(META_SCHEMA)
    assert index.meta.column("startup_id").to_pylist() == ["s0", "s1", "s2"]
    assert index.manifest["count"] == 3 and index.manifest["embedder"]["kind"] == "local"
    assert index.manifest["embedder"]["files"] == ["embedder.npz"]
    assert index.embedder is not None
    query = ["lorries driving empty"]
    assert np.array_equal(index.embedder.embed(query).vectors, embedder.embed(query).vectors)
    assert int(np.argmax(index.similarities("fraudulent card payments"))) == 0


def test_only_the_newest_versions_are_kept(ports: Ports) -> None:
    bucket = _bucket(ports)
    embedder = LocalEmbedder.fit(TEXTS, LocalConfig(dim=64))
    vectors = embedder.embed(TEXTS).vectors
    versions = [
        write_index(
            ports.objects, bucket, vectors, ROWS, embedder, version=f"v{i}", keep_versions=2
        ).version
        for i in range(4)
    ]
    page = ports.objects.list(bucket, "matcher_index/", delimiter="/")
    assert page.prefixes == ["matcher_index/v2/", "matcher_index/v3/"]
    assert read_manifest(ports.objects, bucket)["version"] == versions[-1]  # type: ignore[index]
    old = read_manifest(ports.objects, bucket, "v2")
    assert old is not None and load_embedder(old, ports.objects, bucket).dim == 64


def test_missing_index_and_bad_input_are_clear_errors(ports: Ports) -> None:
    bucket = _bucket(ports)
    assert read_manifest(ports.objects, bucket) is None
    with pytest.raises(ObjectNotFoundError, match="embeddings step"):
        read_index(ports.objects, bucket)
    embedder = LocalEmbedder(LocalConfig(dim=64))
    with pytest.raises(ValidationError, match="unit length"):
        write_index(ports.objects, bucket, np.ones((3, 64)), ROWS, embedder)
    with pytest.raises(ValidationError, match="do not match"):
        write_index(ports.objects, bucket, np.eye(2, 64), ROWS, embedder)
    with pytest.raises(ValidationError, match="unique"):
        write_index(ports.objects, bucket, np.eye(3, 64), ROWS[:1] * 3, embedder)
    assert read_manifest(ports.objects, bucket) is None  # nothing was switched
