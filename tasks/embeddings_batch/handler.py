"""The embeddings task Lambda: new and changed companies in, embeddings and a matcher index out.

Event (``schemas/embeddings_batch_event.json``), all fields optional::

    {"date": "2025-01-31", "dataset": "silver/companies", "index_bucket": "...",
     "embedder": "local", "refit": false, "daily_budget_usd": 1.5, "max_documents": 5000}

Steps:

1. Read the companies partitions after the watermark (parameter
   ``/thera/<env>/watermarks/embeddings``, ``{"date": ...}``) up to ``date``; every partition
   when the index is rebuilt (``refit``, no index yet, or another embedder configured).
2. Build each company's document (:func:`~thera_sdk.embed.build_document`) and keep those
   whose content hash differs from the one in the current index.
3. Embed them in token-bounded batches under the daily budget (Bedrock only:
   ``DAILY_BUDGET`` USD per UTC day, spent-so-far in ``/thera/<env>/embeddings/spend/<day>``);
   what the budget, the Lambda deadline or ``max_documents`` leaves is deferred.
4. Record the run's cost (spend ledger, ``metrics/embedding_cost/date=<day>/`` rows and the
   ``EmbeddingCostUSD`` metric), write ``embeddings/date=<date>/`` (id, model, dim, vector,
   content_hash, token_count), then a new matcher index version (pointer switched last).
5. Only then move the watermark, to the last day with nothing deferred.

Environment: ``THERA_EMBEDDER``, ``THERA_LOCAL_EMBED_DIM``, ``THERA_BEDROCK_*`` (see
:mod:`thera_sdk.embed._factory`), ``DAILY_BUDGET``, ``THERA_EMBED_PRICE_PER_1K`` (USD per 1,000
tokens, default $0.00002), ``THERA_DOCUMENT_TOKENS`` (1024), ``THERA_EMBED_BATCH_TOKENS``
(20000), ``THERA_LOCAL_REFIT_RATIO`` (0.2: re-learn the local IDF once that share of the
corpus was embedded since the last fit).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

import pyarrow as pa

from tasks._ports import default_ports
from tasks.embeddings_batch.logic import (
    EmbedOutcome,
    Previous,
    compatible,
    embed_documents,
    index_row,
    latest_companies,
    merge_index,
    needs_refit,
    plan_documents,
    watermark_after,
)
from thera_sdk import ConfigurationError, ParameterNotFoundError, Ports
from thera_sdk._schemas import check
from thera_sdk.embed import (
    DEFAULT_DOCUMENT_TOKENS,
    DEFAULT_PRICE_PER_1K,
    CostGuard,
    Embedder,
    LocalEmbedder,
    SpendLedger,
    cost_usd,
    embedder_kind,
    load_embedder,
    make_embedder,
    read_index,
    write_index,
)
from thera_sdk.storage import list_partitions, read_dataset, write_partition

__all__ = [
    "COST_DATASET",
    "DEFAULT_DATASET",
    "EMBEDDINGS_DATASET",
    "SPEND_PREFIX",
    "WATERMARK",
    "embeddings_table",
    "handler",
]

DEFAULT_DATASET = "silver/companies"
EMBEDDINGS_DATASET = "embeddings"
COST_DATASET = "metrics/embedding_cost"
WATERMARK = "watermarks/embeddings"
SPEND_PREFIX = "embeddings/spend"




def _float_env(env: Mapping[str, str], name: str, default: float | None) -> float | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={raw!r} is not a number.") from exc
    if value < 0:
        raise ConfigurationError(f"{name} must not be negative, got {value}.")
    return value


def embeddings_table(outcome: EmbedOutcome, model: str, dim: int) -> pa.Table:
    """The rows of ``embeddings/date=.../``: id, model, dim, vector, content_hash, token_count.

    Examples
    --------
    >>> embeddings_table(outcome, "thera-local-tfidf-v1", 4096).num_rows  # doctest: +SKIP
    12
    """
    return pa.table(
        {
            "id": pa.array([d.id for d in outcome.embedded], pa.string()),
            "model": pa.array([model] * len(outcome.embedded), pa.string()),
            "dim": pa.array([dim] * len(outcome.embedded), pa.int32()),
            "vector": pa.array(list(outcome.vectors), pa.list_(pa.float32())),
            "content_hash": pa.array([d.content_hash for d in outcome.embedded], pa.string()),
            "token_count": pa.array(outcome.token_counts, pa.int64()),
        }
    )


def _read_watermark(ports: Ports) -> tuple[str | None, int]:
    name = ports.settings.parameter_name(WATERMARK)
    try:
        parameter = ports.parameters.get(name)
    except ParameterNotFoundError:
        return None, 0
    try:
        return str(json.loads(parameter.value)["date"]), parameter.version
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(
            f'Watermark {name!r} must be JSON {{"date": "YYYY-MM-DD"}}; fix or delete it.'
        ) from exc


def _previous(ports: Ports, bucket: str, bedrock_client: Any) -> tuple[Previous | None, Any]:
    from thera_sdk import ObjectNotFoundError

    try:
        index = read_index(ports.objects, bucket, with_embedder=False)
    except ObjectNotFoundError:
        return None, None
    previous = Previous(
        index.meta.to_pylist(), index.vectors, index.manifest["embedder"], index.manifest
    )
    return previous, index


def _append_partition(
    ports: Ports, dataset: str, day: str, table: pa.Table, key: str | None
) -> list[str]:
    bucket = ports.settings.data_bucket
    if day in list_partitions(ports.objects, bucket, dataset):
        old = read_dataset(ports.objects, bucket, dataset, dates=[day]).drop_columns(["date"])
        if key is not None and old.num_rows:
            replaced = set(table.column(key).to_pylist())
            keep = [i for i, v in enumerate(old.column(key).to_pylist()) if v not in replaced]
            old = old.take(pa.array(keep, pa.int64()))
        table = pa.concat_tables([old, table], promote_options="default")
    return write_partition(ports.objects, bucket, dataset, day, table)


def _seconds_left(context: Any) -> Callable[[], float] | None:
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return None if remaining is None else (lambda: remaining() / 1000.0)


def handler(
    event: Mapping[str, Any],
    context: Any = None,
    *,
    ports: Ports | None = None,
    embedder: Embedder | None = None,
    bedrock_client: Any = None,
    environ: Mapping[str, str] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """Embed what changed and publish a new matcher index; returns a small summary.

    Examples
    --------
    >>> handler({"date": "2025-01-31"})["status"]  # doctest: +SKIP
    'embedded'
    """
    check("embeddings_batch_event", dict(event))
    ports = ports or default_ports()
    env = os.environ if environ is None else environ
    settings = ports.settings
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    today = moment.date().isoformat()
    date = str(event.get("date") or today)
    dataset = str(event.get("dataset") or DEFAULT_DATASET)
    index_bucket = str(event.get("index_bucket") or settings.bucket_name("gold"))
    if settings.backend == "local":
        ports.objects.create_bucket(index_bucket)
    kind = embedder_kind(event.get("embedder") or (embedder.kind if embedder else None), env)
    embedder = embedder or make_embedder(
        kind, environ=env, bedrock_client=bedrock_client, region=settings.region
    )
    doc_tokens = int(_float_env(env, "THERA_DOCUMENT_TOKENS", DEFAULT_DOCUMENT_TOKENS) or 1024)
    batch_tokens = int(_float_env(env, "THERA_EMBED_BATCH_TOKENS", 20_000) or 20_000)
    ratio = _float_env(env, "THERA_LOCAL_REFIT_RATIO", 0.2) or 0.2

    before, watermark_version = _read_watermark(ports)
    previous, _ = _previous(ports, index_bucket, bedrock_client)
    usable = previous if previous is not None and compatible(previous.spec, embedder) else None
    force = bool(event.get("refit")) or usable is None
    days = [d for d in list_partitions(ports.objects, settings.data_bucket, dataset) if d <= date]
    read_days = days if force else [d for d in days if before is None or d > before]
    result: dict[str, Any] = {
        "status": "up_to_date",
        "date": date,
        "embedder": {
            "kind": embedder.kind,
            "model": embedder.model,
            "dim": embedder.dim,
            "refit": False,
        },
        "read": 0,
        "embedded": 0,
        "unchanged": 0,
        "deferred": 0,
        "stopped_by": None,
        "tokens": 0,
        "cost_usd": 0.0,
        "budget_usd": None,
        "spent_today_usd": 0.0,
        "index": None,
        "embeddings_keys": [],
        "watermark": {"before": before, "after": before},
    }
    if not read_days:
        check("embeddings_batch_result", result)
        return result

    def companies_of(chosen: list[str]) -> list[dict[str, Any]]:
        table = read_dataset(ports.objects, settings.data_bucket, dataset, dates=chosen)
        return latest_companies(table.to_pylist())

    companies = companies_of(read_days)
    plan, documents = plan_documents(
        companies, usable.hashes if usable and not force else {}, max_tokens=doc_tokens
    )
    refit = needs_refit(
        None if force else usable, embedder, len(plan.changed), ratio=ratio, force=force
    )
    base: Previous | None = None if force else usable
    if refit:  # local only: learn the IDF on the whole corpus, then embed all of it
        if read_days != days:
            companies = companies_of(days)
            read_days = days
        plan, documents = plan_documents(companies, {}, max_tokens=doc_tokens)
        assert isinstance(embedder, LocalEmbedder)
        embedder = LocalEmbedder.fit([d.text for d in documents.values()], embedder.config)
        base = None
    elif usable is not None and embedder.kind == "local":
        embedder = load_embedder(usable.manifest, ports.objects, index_bucket)  # same IDF

    to_embed = plan.changed
    limit = event.get("max_documents")
    stopped_by: str | None = None
    if limit is not None and len(to_embed) > int(limit):
        to_embed, stopped_by = to_embed[: int(limit)], "max_documents"

    billed = embedder.kind == "bedrock"
    price = (
        (_float_env(env, "THERA_EMBED_PRICE_PER_1K", DEFAULT_PRICE_PER_1K) or 0.0)
        if billed
        else 0.0
    )
    budget = event.get("daily_budget_usd")
    budget = float(budget) if budget is not None else _float_env(env, "DAILY_BUDGET", None)
    ledger = SpendLedger(ports.parameters, settings.parameter_name(SPEND_PREFIX))
    spent_before = ledger.get(today).usd if billed else 0.0
    guard = CostGuard(budget if billed else None, spent_before, price)
    outcome = embed_documents(
        to_embed,
        embedder,
        guard,
        max_batch_tokens=batch_tokens,
        seconds_left=_seconds_left(context),
    )
    run_cost = cost_usd(sum(outcome.token_counts), price)
    spent_today = spent_before
    if billed and outcome.embedded:  # money is spent whether or not the writes below succeed
        spent_today = ledger.add(today, tokens=sum(outcome.token_counts), usd=run_cost).usd
    _record_cost(ports, today, moment, embedder, outcome, run_cost, price, budget, billed)

    keys: list[str] = []
    if outcome.embedded:
        keys = _append_partition(
            ports,
            EMBEDDINGS_DATASET,
            date,
            embeddings_table(outcome, embedder.model, embedder.dim),
            "id",
        )
    rows = {
        ident: index_row(company, documents[ident])
        for company in companies
        if (ident := str(company["startup_id"])) in documents
    }
    vectors, index_rows = merge_index(base, rows, outcome, embedder.dim)
    before_fit = usable.manifest if usable and not refit else {}
    backlog = int(before_fit.get("deferred_in_fit") or 0)
    deferred = outcome.deferred + plan.changed[len(to_embed) :]
    fit_counts = (
        {"docs_since_fit": 0, "deferred_in_fit": len(deferred)}
        if refit
        else {
            "docs_since_fit": int(before_fit.get("docs_since_fit") or 0)
            + max(0, len(outcome.embedded) - backlog),
            "deferred_in_fit": max(0, backlog - len(outcome.embedded)),
        }
    )
    written = write_index(
        ports.objects,
        index_bucket,
        vectors,
        index_rows,
        embedder,
        created_at=moment,
        extra={
            **fit_counts,
            "source": {"dataset": dataset, "through": date},
        },
    )

    day_of = {str(c["startup_id"]): str(c.get("date") or date) for c in companies}
    after = watermark_after(before, read_days, [day_of.get(d.id, date) for d in deferred])
    if after and after != before:
        ports.parameters.put(
            settings.parameter_name(WATERMARK),
            json.dumps({"date": after}),
            expected_version=watermark_version,
        )
    result.update(
        status="embedded",
        embedder={
            "kind": embedder.kind,
            "model": embedder.model,
            "dim": embedder.dim,
            "refit": refit,
        },
        read=len(companies),
        embedded=len(outcome.embedded),
        unchanged=len(plan.unchanged),
        deferred=len(deferred),
        stopped_by=outcome.stopped_by or stopped_by,
        tokens=int(sum(outcome.token_counts)),
        cost_usd=run_cost,
        budget_usd=budget if billed else None,
        spent_today_usd=spent_today,
        index={"bucket": index_bucket, "version": written.version, "count": written.count},
        embeddings_keys=keys,
        watermark={"before": before, "after": after},
    )
    check("embeddings_batch_result", result)
    return result


def _record_cost(
    ports: Ports,
    day: str,
    moment: dt.datetime,
    embedder: Embedder,
    outcome: EmbedOutcome,
    usd: float,
    price: float,
    budget: float | None,
    billed: bool,
) -> None:
    row = {
        "run_at": moment.isoformat().replace("+00:00", "Z"),
        "kind": embedder.kind,
        "model": embedder.model,
        "documents": len(outcome.embedded),
        "deferred": len(outcome.deferred),
        "stopped_by": outcome.stopped_by,
        "tokens": int(sum(outcome.token_counts)),
        "cost_usd": usd,
        "price_per_1k": price,
        "budget_usd": budget if billed else None,
    }
    schema = pa.schema(
        [
            ("run_at", pa.string()),
            ("kind", pa.string()),
            ("model", pa.string()),
            ("documents", pa.int64()),
            ("deferred", pa.int64()),
            ("stopped_by", pa.string()),
            ("tokens", pa.int64()),
            ("cost_usd", pa.float64()),
            ("price_per_1k", pa.float64()),
            ("budget_usd", pa.float64()),
        ]
    )
    _append_partition(ports, COST_DATASET, day, pa.Table.from_pylist([row], schema=schema), None)
    dimensions = {"Embedder": embedder.kind}
    ports.metrics.put_metric("EmbeddingCostUSD", usd, "None", dimensions)
    ports.metrics.put_metric("EmbeddingTokens", sum(outcome.token_counts), "Count", dimensions)
    ports.metrics.put_metric("DocumentsEmbedded", len(outcome.embedded), "Count", dimensions)
