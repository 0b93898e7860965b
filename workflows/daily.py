"""The daily workflow: the day's company deltas all the way to published records and metrics.

::

    Prepare run -> Pull Apollo deltas | Import companies
      -> [web] Plan health checks -> Check domain health (Distributed Map over a JSONL manifest,
               batches of 25) -> Plan scraping -> Scrape sites (Distributed Map, batches of 10)
      -> Curate companies -> Embed companies -> Publish records -> Compute AMS -> Done

Data moves through object storage, never through the state: each stage writes the day's
partition (``date=YYYY-MM-DD``, replaced as a whole, so a re-run of the day is idempotent) and
returns a small summary kept under ``$.results``. Every Lambda call retries AWS's transient Lambda
errors with full jitter; every stage has a Catch that puts the error at ``$.failure`` and ends the
run in ``Daily run failed`` with that error and cause.

Input (``schemas/run_input.json``): ``{"date": "YYYY-MM-DD", "source": "apollo"|"file",
"file": "...", "web": true|false}``, all optional.
"""

from __future__ import annotations

from typing import Any

from workflows import (
    Catch,
    Choice,
    Condition,
    DistributedMap,
    Fail,
    ItemBatcher,
    ItemReader,
    LambdaInvoke,
    StateMachine,
    Succeed,
    jp,
)
from workflows.functions import BY_KEY

NAME = "daily"
SCHEDULE = "cron(0 6 * * ? *)"  # 06:00 UTC every day
TIMEOUT_SECONDS = 6 * 3600

HEALTH_BATCH = 25
SCRAPE_BATCH = 10


def _failed() -> Fail:
    return Fail("Daily run failed", error_path="$.failure.Error", cause_path="$.failure.Cause")


def _catch() -> list[Catch]:
    return [Catch(["States.ALL"], _failed(), result_path="$.failure")]


def _stage(name: str, key: str, payload: dict[str, Any], result: str) -> LambdaInvoke:
    """A Lambda call whose return value is kept at ``$.results.<result>``."""
    return LambdaInvoke(
        name,
        function_name=BY_KEY[key].placeholder,
        payload=payload,
        result_selector={"summary": jp("$.Payload")},
        result_path=f"$.results.{result}",
        catch=_catch(),
    )


def _plan(name: str, stage: str) -> LambdaInvoke:
    """Write the JSONL manifest of the next stage's items; keep its location and count."""
    return LambdaInvoke(
        name,
        function_name=BY_KEY["PlanStage"].placeholder,
        payload={"date": jp("$.date"), "stage": stage},
        result_selector={
            "count": jp("$.Payload.count"),
            "bucket": jp("$.Payload.bucket"),
            "key": jp("$.Payload.key"),
        },
        result_path=f"$.plan.{stage}",
        catch=_catch(),
    )


def _fan_out(name: str, stage: str, key: str, batch: int, concurrency: int) -> DistributedMap:
    """A Distributed Map over the stage's manifest, one Lambda call per batch of items."""
    worker = LambdaInvoke(
        f"{name}: batch",
        function_name=BY_KEY[key].placeholder,
        payload={
            "date": jp("$.BatchInput.date"),
            "domains": jp("$.Items[*].domain"),
            # Named by its content: a re-run of the day rewrites the same part file.
            "batch_id": jp("States.Hash(States.JsonToString($.Items), 'SHA-1')"),
        },
    )
    return DistributedMap(
        name,
        item_reader=ItemReader.s3_jsonl(
            jp(f"$.plan.{stage}.bucket"), jp(f"$.plan.{stage}.key")
        ),
        item_batcher=ItemBatcher(
            max_items_per_batch=batch, batch_input={"date": jp("$.date")}
        ),
        item_processor=worker,
        max_concurrency=concurrency,
        tolerated_failure_percentage=10,
        label=stage,
        result_path=None,
        catch=_catch(),
    )


def build() -> StateMachine:
    """The daily workflow as a builder graph (``build().compile()`` gives the ASL)."""
    prepare = LambdaInvoke(
        "Prepare run", function_name=BY_KEY["PrepareRun"].placeholder, catch=_catch()
    )
    curate = _stage("Curate companies", "CurateCompanies", {"date": jp("$.date")}, "curate")
    tail = (
        curate.next(_stage("Embed companies", "EmbeddingsBatch", {"date": jp("$.date")}, "embed"))
        .next(_stage("Publish records", "Publisher", {"date": jp("$.date")}, "publish"))
        .next(_stage("Compute AMS", "Ams", {"date": jp("$.date")}, "ams"))
        .next(Succeed("Done"))
    )

    scrape = _fan_out("Scrape sites", "scrape", "FirecrawlScrape", SCRAPE_BATCH, 10)
    after_health = _plan("Plan scraping", "scrape").next(
        Choice("Anything healthy?")
        .when(Condition.numeric_greater_than("$.plan.scrape.count", 0), scrape.next(curate))
        .otherwise(curate)
    )
    health = _fan_out("Check domain health", "health", "DomainHealth", HEALTH_BATCH, 20)
    web = _plan("Plan health checks", "health").next(
        Choice("Any domains?")
        .when(Condition.numeric_greater_than("$.plan.health.count", 0), health.next(after_health))
        .otherwise(curate)
    )
    after_source = (
        Choice("Web stages?")
        .when(Condition.boolean_equals("$.web", True), web)
        .otherwise(tail)
    )
    pull = _stage("Pull Apollo deltas", "ApolloDeltaPull", {"date": jp("$.date")}, "source")
    imported = _stage(
        "Import companies", "ImportCompanies",
        {"date": jp("$.date"), "file": jp("$.file")}, "source",
    )
    source = (
        Choice("Which source?")
        .when(Condition.string_equals("$.source", "file"), imported.next(after_source))
        .otherwise(pull.next(after_source))
    )
    return StateMachine(
        prepare.next(source),
        comment="Thera daily pipeline: deltas, health gate, scraping, embeddings, publishing, AMS.",
        timeout_seconds=TIMEOUT_SECONDS,
    )
