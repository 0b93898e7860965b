"""Pure logic of the embeddings task: selection, budgeted embedding, merge and watermark."""

from __future__ import annotations

import numpy as np

from tasks.embeddings_batch import (
    Previous,
    embed_documents,
    index_row,
    latest_companies,
    merge_index,
    needs_refit,
    plan_documents,
    watermark_after,
)
from thera_sdk.embed import CostGuard, LocalConfig, LocalEmbedder, build_document

EMBEDDER = LocalEmbedder(LocalConfig(dim=64))


def _companies(n: int) -> list[dict]:
    return [
        {"id": f"c{i}", "name": f"Company {i}", "description": "x " * (i + 1)} for i in range(n)
    ]


def test_only_new_or_changed_documents_are_planned() -> None:
    companies = _companies(3)
    first, docs = plan_documents(companies, {}, max_tokens=128)
    hashes = {d.id: d.content_hash for d in docs.values()}
    companies[1]["description"] = "changed"
    second, _ = plan_documents(companies, hashes, max_tokens=128)
    assert [d.id for d in first.changed] == ["c0", "c1", "c2"]
    assert [d.id for d in second.changed] == ["c1"] and second.unchanged == ["c0", "c2"]


def test_budget_stops_at_the_first_document_it_cannot_cover() -> None:
    # GIVEN five documents and a budget for about two and a half of them
    docs = [build_document(c) for c in _companies(5)]
    price = 1.0  # $ per 1K tokens
    budget = sum(d.tokens for d in docs[:2]) / 1000 * price + docs[2].tokens / 2000 * price
    guard = CostGuard(budget, 0.0, price)
    # WHEN embedded in batches of three
    out = embed_documents(
        docs, EMBEDDER, guard, max_batch_tokens=docs[0].tokens * 3, max_batch_items=3
    )
    # THEN two were sent, the rest deferred in order, and the run stopped for the budget
    assert [d.id for d in out.embedded] == ["c0", "c1"]
    assert [d.id for d in out.deferred] == ["c2", "c3", "c4"]
    assert out.stopped_by == "budget" and out.vectors.shape == (2, 64)
    assert guard.run_cost_usd <= budget


def test_deadline_defers_the_remaining_batches() -> None:
    docs = [build_document(c) for c in _companies(4)]
    clock = iter([100.0, 5.0])
    out = embed_documents(
        docs, EMBEDDER, CostGuard(None), max_batch_tokens=1, seconds_left=lambda: next(clock)
    )
    assert len(out.embedded) == 1 and len(out.deferred) == 3 and out.stopped_by == "deadline"


def test_merge_replaces_changed_rows_keeps_deferred_ones_and_appends_new() -> None:
    old_docs = [build_document(c) for c in _companies(2)]
    old_rows = [index_row({"id": d.id}, d) for d in old_docs]
    previous = Previous(old_rows, np.eye(2, 64, dtype=np.float32), EMBEDDER.spec())
    changed = build_document({"id": "c0", "name": "Changed"})
    deferred = build_document({"id": "c1", "name": "Changed too"})
    new = build_document({"id": "c9", "name": "New"})
    out = embed_documents([changed, new], EMBEDDER, CostGuard(None), max_batch_tokens=999)
    rows = {d.id: index_row({"id": d.id}, d) for d in (changed, deferred, new)}
    vectors, merged = merge_index(previous, rows, out, 64)
    assert [r["startup_id"] for r in merged] == ["c0", "c1", "c9"]
    assert merged[0]["content_hash"] == changed.content_hash
    assert merged[1]["content_hash"] == old_docs[1].content_hash  # retried next run
    assert np.array_equal(vectors[1], previous.vectors[1])
    assert np.array_equal(vectors[2], out.vectors[1])


def test_latest_row_per_company_wins() -> None:
    rows = [
        {"startup_id": "a", "date": "2025-01-02", "name": "new"},
        {"id": "a", "date": "2025-01-01", "name": "old"},
        {"name": "no id"},
    ]
    assert latest_companies(rows) == [{"startup_id": "a", "date": "2025-01-02", "name": "new"}]


def test_local_refit_when_the_corpus_moved_enough() -> None:
    fitted = LocalEmbedder.fit(["a b", "c d", "e f", "g h", "i j"], LocalConfig(dim=64))
    previous = Previous([], np.zeros((0, 64), np.float32), fitted.spec(), {"docs_since_fit": 0})
    assert not needs_refit(previous, fitted, 1, ratio=0.2, force=False)
    assert needs_refit(previous, fitted, 2, ratio=0.2, force=False)
    assert needs_refit(previous, fitted, 0, ratio=0.2, force=True)


def test_watermark_stops_before_the_first_deferred_day() -> None:
    days = ["2025-01-02", "2025-01-03", "2025-01-04"]
    assert watermark_after(None, days, []) == "2025-01-04"
    assert watermark_after(None, days, ["2025-01-03", "2025-01-04"]) == "2025-01-02"
    assert watermark_after("2025-01-01", days, ["2025-01-02"]) == "2025-01-01"
