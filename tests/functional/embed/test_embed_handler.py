"""The embeddings task end to end on the local ports, with the local embedder."""

from __future__ import annotations

import importlib
import json

import numpy as np
import pytest
from embed_rows import company, write_day

from tasks.embeddings_batch import WATERMARK, handler
from thera_sdk import ParameterNotFoundError, Ports, ValidationError
from thera_sdk.embed import read_index
from thera_sdk.storage import read_dataset

task = importlib.import_module("tasks.embeddings_batch.handler")  # the module, not the function

ENV = {"THERA_LOCAL_EMBED_DIM": "256", "THERA_LOCAL_REFIT_RATIO": "0.5"}


def _gold(ports: Ports) -> str:
    return ports.settings.bucket_name("gold")


def test_second_run_embeds_only_new_and_changed_companies(ports: Ports) -> None:
    # GIVEN a first day of ten companies, embedded
    write_day(ports, "2025-01-01", [company(i) for i in range(10)])
    first = handler({"date": "2025-01-01"}, ports=ports, environ=ENV)
    index1 = read_index(ports.objects, _gold(ports))
    # WHEN a second day brings one unchanged row, two changed ones and a new company
    write_day(
        ports,
        "2025-01-02",
        [
            company(1),
            company(2, description="Now does payments."),
            company(3, keywords=["new keyword"]),
            company(42),
        ],
    )
    second = handler({"date": "2025-01-02"}, ports=ports, environ=ENV)
    index2 = read_index(ports.objects, _gold(ports))
    # THEN only those three were embedded, with the first run's IDF, and the index holds 11
    assert first["embedded"] == 10 and first["embedder"]["refit"] is True
    assert second["embedded"] == 3 and second["unchanged"] == 1
    assert second["embedder"]["refit"] is False and second["index"]["count"] == 11
    day2 = read_dataset(
        ports.objects, ports.settings.data_bucket, "embeddings", dates=["2025-01-02"]
    )
    assert sorted(day2.column("id").to_pylist()) == ["c002", "c003", "c042"]
    assert day2.column("dim").to_pylist() == [256] * 3
    ids1 = index1.meta.column("startup_id").to_pylist()
    ids2 = index2.meta.column("startup_id").to_pylist()
    assert ids2[:10] == ids1 and ids2[10] == "c042"
    unchanged = [i for i, s in enumerate(ids1) if s not in {"c002", "c003"}]
    assert np.array_equal(index2.vectors[unchanged], index1.vectors[unchanged])
    query = ["payments software"]
    assert index1.embedder is not None and index2.embedder is not None
    assert np.array_equal(
        index1.embedder.embed(query).vectors, index2.embedder.embed(query).vectors
    )
    assert second["watermark"] == {"before": "2025-01-01", "after": "2025-01-02"}
    # AND a third run with nothing new is a no-op
    third = handler({"date": "2025-01-03"}, ports=ports, environ=ENV)
    assert third["status"] == "up_to_date" and third["index"] is None


def test_meta_rows_follow_the_index_format(ports: Ports) -> None:
    write_day(ports, "2025-01-01", [company(0, richness=80, markdown="# About\nWe ship parcels.")])
    handler({"date": "2025-01-01"}, ports=ports, environ=ENV)
    index = read_index(ports.objects, _gold(ports))
    row = index.meta.to_pylist()[0]
    assert row["startup_id"] == "c000" and row["keywords"] == ["topic 0", "software"]
    assert row["richness"] == 0.8 and row["health_score"] == 90.0 and row["employees"] == 10
    assert index.manifest["embedder"]["kind"] == "local" and index.manifest["count"] == 1


def test_watermark_moves_only_after_the_index_is_written(
    ports: Ports, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an index write that fails
    write_day(ports, "2025-01-01", [company(i) for i in range(3)])

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(task, "write_index", broken)
    # WHEN the run fails THEN the watermark was not created, and the re-run embeds again
    with pytest.raises(OSError, match="disk full"):
        handler({"date": "2025-01-01"}, ports=ports, environ=ENV)
    with pytest.raises(ParameterNotFoundError):
        ports.parameters.get(ports.settings.parameter_name(WATERMARK))
    monkeypatch.undo()
    again = handler({"date": "2025-01-01"}, ports=ports, environ=ENV)
    assert again["embedded"] == 3 and again["watermark"]["after"] == "2025-01-01"
    stored = ports.parameters.get(ports.settings.parameter_name(WATERMARK))
    assert json.loads(stored.value) == {"date": "2025-01-01"}


def test_max_documents_defers_the_rest_and_holds_the_watermark(ports: Ports) -> None:
    write_day(ports, "2025-01-01", [company(i) for i in range(5)])
    first = handler({"date": "2025-01-01", "max_documents": 2}, ports=ports, environ=ENV)
    assert first["embedded"] == 2 and first["deferred"] == 3
    assert first["stopped_by"] == "max_documents" and first["watermark"]["after"] is None
    second = handler({"date": "2025-01-01"}, ports=ports, environ=ENV)
    assert second["embedded"] == 3 and second["index"]["count"] == 5


def test_bad_events_are_refused_before_any_work() -> None:
    with pytest.raises(ValidationError, match="embeddings_batch_event"):
        handler({"date": "31/01/2025"}, ports=object())  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="Additional properties"):
        handler({"surprise": 1}, ports=object())  # type: ignore[arg-type]
