"""Pure logic of the embeddings task: what to embed, under which budget, and the new index.

Nothing here touches storage; the handler reads and writes through the ports. The embedder is
passed in (any :class:`~thera_sdk.embed.Embedder`), so tests run the same code with the local
embedder or a Bedrock client stubbed by botocore.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from thera_sdk.embed import CostGuard, Document, Embedder, batch, build_document
from thera_sdk.match import META_COLUMNS

__all__ = [
    "EmbedOutcome",
    "Plan",
    "Previous",
    "compatible",
    "embed_documents",
    "index_row",
    "latest_companies",
    "merge_index",
    "needs_refit",
    "plan_documents",
    "watermark_after",
]


@dataclass(frozen=True)
class Previous:
    """The index being served before this run (``vectors[i]`` belongs to ``rows[i]``)."""

    rows: list[dict[str, Any]]
    vectors: np.ndarray
    spec: Mapping[str, Any]
    manifest: Mapping[str, Any] = field(default_factory=dict)

    @property
    def hashes(self) -> dict[str, str]:
        """Content hash per startup id."""
        return {str(r["startup_id"]): str(r.get("content_hash") or "") for r in self.rows}


@dataclass(frozen=True)
class Plan:
    """Documents to embed (new or changed) and the ids whose document did not change."""

    changed: list[Document]
    unchanged: list[str]


@dataclass(frozen=True)
class EmbedOutcome:
    """What one run embedded, what it billed and what it left for the next run."""

    embedded: list[Document]
    vectors: np.ndarray
    token_counts: list[int]
    deferred: list[Document]
    stopped_by: str | None  # "budget", "deadline" or None


def latest_companies(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One row per company id (``startup_id`` or ``id``): the one of the latest ``date``, later
    rows winning ties; rows without an id are dropped. Order: first appearance.

    Examples
    --------
    >>> rows = [{"id": "a", "date": "2025-01-01", "name": "Old"},
    ...         {"id": "b", "date": "2025-01-01", "name": "B"},
    ...         {"id": "a", "date": "2025-01-02", "name": "New"}]
    >>> [r["name"] for r in latest_companies(rows)]
    ['New', 'B']
    """
    best: dict[str, dict[str, Any]] = {}
    for row in rows:
        ident = str(row.get("startup_id") or row.get("id") or "").strip()
        if not ident:
            continue
        current = best.get(ident)
        if current is None or str(row.get("date") or "") >= str(current.get("date") or ""):
            best[ident] = {**row, "startup_id": ident}
    return list(best.values())


def _unit(value: Any, scale: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(number):
        return None
    return number / scale if number > 1.0 and scale > 1.0 else number


# The matcher's metadata columns that come straight from the company record.
_COPIED = tuple(c for c in META_COLUMNS if c not in ("startup_id", "richness", "health_score"))


def index_row(company: Mapping[str, Any], document: Document) -> dict[str, Any]:
    """The index metadata row of one company; ``richness`` is brought to 0-1 (scrapers score
    it 0-100) and ``health_score`` kept 0-100.

    Examples
    --------
    >>> doc = build_document({"id": "a", "name": "Acme"})
    >>> index_row({"id": "a", "name": "Acme", "richness": 80}, doc)["richness"]
    0.8
    """
    health = _unit(company.get("health_score"), 1.0)
    return {
        **{k: company.get(k) for k in _COPIED},
        "startup_id": document.id,
        "richness": _unit(company.get("richness"), 100.0),
        "health_score": None if health is None else min(100.0, max(0.0, health)),
        "content_hash": document.content_hash,
    }


def plan_documents(
    companies: Sequence[Mapping[str, Any]],
    previous_hashes: Mapping[str, str],
    *,
    max_tokens: int,
) -> tuple[Plan, dict[str, Document]]:
    """Build every company's document and split them into changed and unchanged by hash.

    Examples
    --------
    >>> plan, docs = plan_documents([{"id": "a", "name": "Acme"}], {}, max_tokens=256)
    >>> [d.id for d in plan.changed], plan.unchanged
    (['a'], [])
    """
    documents: dict[str, Document] = {}
    changed: list[Document] = []
    unchanged: list[str] = []
    for company in companies:
        markdown = company.get("markdown")
        document = build_document(
            company, markdown if isinstance(markdown, str) else None, max_tokens=max_tokens
        )
        documents[document.id] = document
        if previous_hashes.get(document.id) == document.content_hash:
            unchanged.append(document.id)
        else:
            changed.append(document)
    return Plan(changed, unchanged), documents


def compatible(previous_spec: Mapping[str, Any] | None, embedder: Embedder) -> bool:
    """Whether vectors of the previous index can sit beside new ones from ``embedder``
    (same kind, model, dimension and, for the local embedder, same config).

    Examples
    --------
    >>> from thera_sdk.embed import LocalEmbedder, LocalConfig
    >>> compatible(LocalEmbedder(LocalConfig(dim=64)).spec(), LocalEmbedder(LocalConfig(dim=64)))
    True
    >>> compatible(None, LocalEmbedder())
    False
    """
    if not previous_spec:
        return False
    spec = embedder.spec()
    keys = ("kind", "model", "dim", "config")
    return all(previous_spec.get(k) == spec.get(k) for k in keys)


def needs_refit(
    previous: Previous | None, embedder: Embedder, changed: int, *, ratio: float, force: bool
) -> bool:
    """Whether the local embedder's IDF must be learnt again (then every document is
    re-embedded): when asked, when there is no compatible previous index, or when the
    documents embedded since the last fit exceed ``ratio`` of the corpus it was fitted on.

    Examples
    --------
    >>> from thera_sdk.embed import LocalEmbedder
    >>> needs_refit(None, LocalEmbedder(), 10, ratio=0.2, force=False)
    True
    """
    if embedder.kind != "local":
        return False
    if force or previous is None or not compatible(previous.spec, embedder):
        return True
    fitted = int(previous.spec.get("fitted_docs") or 0)
    # documents deferred by the run that fitted are already part of the fitted corpus
    backlog = int(previous.manifest.get("deferred_in_fit") or 0)
    since = int(previous.manifest.get("docs_since_fit") or 0) + max(0, changed - backlog)
    return fitted == 0 or since > ratio * fitted


def embed_documents(
    documents: Sequence[Document],
    embedder: Embedder,
    guard: CostGuard,
    *,
    max_batch_tokens: int,
    max_batch_items: int = 64,
    seconds_left: Callable[[], float] | None = None,
    min_seconds: float = 30.0,
) -> EmbedOutcome:
    """Embed ``documents`` batch by batch while the budget and the time allow.

    Before a batch is sent each document's estimated cost is reserved; the first document the
    remaining budget cannot cover stops the run there (it and everything after it are
    deferred to the next run), so the budget is never exceeded as long as estimates err high.
    After each batch the reservations are settled with the tokens actually billed. A batch is
    also not started with fewer than ``min_seconds`` left.

    Examples
    --------
    >>> from thera_sdk.embed import LocalEmbedder
    >>> docs = [build_document({"id": str(i), "name": f"Company {i}"}) for i in range(3)]
    >>> out = embed_documents(docs, LocalEmbedder(), CostGuard(None), max_batch_tokens=100)
    >>> len(out.embedded), out.stopped_by
    (3, None)
    """
    embedded: list[Document] = []
    vectors: list[np.ndarray] = []
    counts: list[int] = []
    stopped: str | None = None
    position = 0
    for group in batch(documents, max_batch_tokens, max_items=max_batch_items):
        if seconds_left is not None and seconds_left() < min_seconds:
            stopped = "deadline"
            break
        admitted: list[Document] = []
        for document in group:
            if not guard.reserve(document.tokens):
                stopped = "budget"
                break
            admitted.append(document)
        if admitted:
            try:
                result = embedder.embed([d.text for d in admitted])
            except Exception:
                for document in admitted:  # nothing billed for a failed batch we know of
                    guard.settle(document.tokens, 0)
                raise
            for document, billed in zip(admitted, result.token_counts, strict=True):
                guard.settle(document.tokens, billed)
            embedded.extend(admitted)
            vectors.append(result.vectors)
            counts.extend(int(c) for c in result.token_counts)
        position += len(admitted)
        if stopped:
            break
    dim = embedder.dim
    stacked = np.concatenate(vectors) if vectors else np.zeros((0, dim), np.float32)
    return EmbedOutcome(embedded, stacked, counts, list(documents[position:]), stopped)


def merge_index(
    previous: Previous | None,
    rows: Mapping[str, dict[str, Any]],
    outcome: EmbedOutcome,
    dim: int,
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The next index: previous rows in their order (replaced where re-embedded, metadata
    refreshed where known), then new companies. A deferred company keeps its previous vector
    and hash, so it is tried again next run; a new deferred company is left out until then.

    Examples
    --------
    >>> from thera_sdk.embed import LocalEmbedder
    >>> doc = build_document({"id": "a", "name": "Acme"})
    >>> out = embed_documents([doc], LocalEmbedder(), CostGuard(None), max_batch_tokens=99)
    >>> vectors, rows = merge_index(None, {"a": index_row({"id": "a"}, doc)}, out, 4096)
    >>> vectors.shape, rows[0]["startup_id"]
    ((1, 4096), 'a')
    """
    fresh = {d.id: i for i, d in enumerate(outcome.embedded)}
    out_rows: list[dict[str, Any]] = []
    out_vectors: list[np.ndarray] = []
    seen: set[str] = set()
    if previous is not None:
        for i, old in enumerate(previous.rows):
            ident = str(old["startup_id"])
            seen.add(ident)
            if ident in fresh:
                out_rows.append(rows[ident])
                out_vectors.append(outcome.vectors[fresh[ident]])
            else:
                current = rows.get(ident)
                if current is None or current.get("content_hash") != old.get("content_hash"):
                    current = old  # deferred: its vector is still the old document's
                out_rows.append(current)
                out_vectors.append(previous.vectors[i])
    for ident, position in fresh.items():
        if ident not in seen:
            out_rows.append(rows[ident])
            out_vectors.append(outcome.vectors[position])
    matrix = np.vstack(out_vectors).astype(np.float32) if out_vectors else np.zeros((0, dim))
    return matrix.astype(np.float32), out_rows


def watermark_after(
    before: str | None, processed: Sequence[str], deferred: Iterable[str]
) -> str | None:
    """The next watermark: the latest processed day with no deferred document on or before it,
    never earlier than ``before``.

    Examples
    --------
    >>> watermark_after("2025-01-01", ["2025-01-02", "2025-01-03"], [])
    '2025-01-03'
    >>> watermark_after("2025-01-01", ["2025-01-02", "2025-01-03"], ["2025-01-03"])
    '2025-01-02'
    >>> watermark_after(None, ["2025-01-02"], ["2025-01-02"]) is None
    True
    """
    first_deferred = min(deferred, default=None)
    done = [d for d in processed if first_deferred is None or d < first_deferred]
    candidates = [d for d in (before, max(done, default=None)) if d]
    return max(candidates) if candidates else None
