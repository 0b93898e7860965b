"""Example state machines compiled in the tests and compared with ``tests/golden/*.json``."""

from __future__ import annotations

from collections.abc import Callable

from workflows import (
    Catch,
    Choice,
    Condition,
    DistributedMap,
    Fail,
    ItemBatcher,
    ItemReader,
    LambdaInvoke,
    Map,
    Parallel,
    Pass,
    ResultWriter,
    Retry,
    StateMachine,
    StateRef,
    Succeed,
    Task,
    Wait,
    jp,
)


def every_state_type() -> StateMachine:
    """One of each state type, with Retry, Catch, Assign and the I/O fields."""
    failed = Fail("Failed", error_path="$.error.Error", cause_path="$.error.Cause")
    catch_all = [Catch(["States.ALL"], failed, result_path="$.error")]
    seed = Pass(
        "Seed",
        parameters={"domains": jp("$.domains"), "started": jp("$$.Execution.StartTime")},
        assign={"run_id": jp("$$.Execution.Name")},
    )
    check = LambdaInvoke(
        "Check domains",
        function_name="thera-check-domains",
        payload={"domains": jp("$.domains"), "run": jp("$run_id")},
        result_selector={"live": jp("$.Payload.live"), "dead": jp("$.Payload.dead")},
        result_path="$.checked",
        timeout_seconds=300,
        retry=[
            Retry(["Thera.Throttled"], interval_seconds=5, max_attempts=4, max_delay_seconds=60)
        ],
        catch=catch_all,
    )
    scrape = Map(
        "Scrape live",
        items_path="$.checked.live",
        item_selector={"domain": jp("$$.Map.Item.Value"), "run": jp("$run_id")},
        max_concurrency=10,
        item_processor=LambdaInvoke("Scrape one", function_name="thera-scrape"),
        result_path=None,
        catch=catch_all,
    )
    publish = Parallel(
        "Publish",
        branches=[
            LambdaInvoke(
                "Publish public", function_name="thera-publish", payload={"table": "public"}
            ),
            Task(
                "Publish private",
                resource="arn:aws:lambda:us-east-1:123456789012:function:thera-publish-private",
                heartbeat_seconds=60,
                timeout_seconds=600,
            ),
        ],
        result_selector={"counts.$": "States.Array($[0].count, $[1].count)"},
        result_path="$.published",
        retry=[Retry(["States.TaskFailed"], max_attempts=1), Retry(["States.ALL"], max_attempts=0)],
        catch=catch_all,
    )
    done = Succeed("Done", comment="Everything published")
    settle = Wait("Settle", seconds=30)
    route = (
        Choice("Any live?", comment="Skip scraping when every domain is dead")
        .when(
            Condition.numeric_greater_than("$.checked.live_count", 0)
            & Condition.is_present("$.checked.live"),
            scrape.next(settle).next(publish).next(done),
            assign={"scraped": True},
        )
        .when(Condition.string_equals("$.mode", "dry-run"), Succeed("Dry run"))
        .otherwise(Succeed("Nothing live"))
    )
    return StateMachine(
        seed.next(check).next(route),
        comment="Every state type, as the daily workflow uses them",
        timeout_seconds=3600,
    )


def distributed_scrape() -> StateMachine:
    """A Distributed Map reading CSV from S3, batching, writing results, tolerating failures."""
    process = DistributedMap(
        "Scrape all",
        item_reader=ItemReader.s3_csv(
            "thera-raw",
            jp("$.manifest_key"),
            header_location="GIVEN",
            headers=["domain", "country"],
            max_items=1000,
        ),
        item_batcher=ItemBatcher(max_items_per_batch=25, batch_input={"run": jp("$.run")}),
        result_writer=ResultWriter(
            "thera-runs", "scrape/", output_type="JSONL", transformation="COMPACT"
        ),
        item_processor=LambdaInvoke(
            "Scrape batch", function_name="thera-scrape", payload={"items": jp("$.Items")}
        ).next(Pass("Batch done")),
        execution_type="EXPRESS",
        max_concurrency=50,
        tolerated_failure_percentage=5,
        label="scrape",
        result_path="$.scrape",
    )
    return StateMachine(process.next(Succeed("Scraped")))


def jsonl_and_manifest() -> StateMachine:
    """Distributed Maps over JSON Lines and an Athena manifest, chained."""
    embed = DistributedMap(
        "Embed pages",
        item_reader=ItemReader.s3_jsonl(
            "thera-silver", "pages/latest.jsonl", max_items_path="$.limit"
        ),
        item_processor=LambdaInvoke("Embed", function_name="thera-embed"),
        tolerated_failure_count=10,
        result_path=None,
    )
    export = DistributedMap(
        "Export rows",
        item_reader=ItemReader.s3_manifest("thera-athena", jp("$.manifest")),
        item_processor=Pass("Row"),
        tolerated_failure_percentage_path="$.tolerance",
        max_concurrency_path="$.concurrency",
    )
    listing = DistributedMap(
        "Each raw object",
        item_reader=ItemReader.s3_objects("thera-raw", "apollo/", max_items=100),
        item_processor=Pass("Object"),
        result_path=None,
    )
    reader = DistributedMap(
        "Each JSON item",
        item_reader=ItemReader.s3_json("thera-raw", "seeds.json"),
        item_processor=Pass("Seed item"),
        result_path=None,
    )
    return StateMachine(embed.next(export).next(listing).next(reader))


def polling_loop() -> StateMachine:
    """Wait-and-poll with a loop, every Wait form, a Fail and a task-token callback."""
    poll = (
        Choice("Ready?")
        .when(Condition.string_equals("$.status.state", "READY"), Succeed("Ready"))
        .when(
            Condition.string_equals("$.status.state", "FAILED"),
            Fail("Crawl failed", error="Thera.CrawlFailed", cause="The crawl reported FAILED."),
        )
        .otherwise(Wait("Pause", seconds_path="$.poll_seconds").next(StateRef("Get status")))
    )
    start = Task(
        "Start crawl",
        resource="arn:aws:states:::lambda:invoke.waitForTaskToken",
        parameters={"FunctionName": "thera-crawl", "Payload": {"token": jp("$$.Task.Token")}},
        heartbeat_seconds_path="$.heartbeat",
        timeout_seconds_path="$.timeout",
        result_path="$.crawl",
    )
    status = LambdaInvoke(
        "Get status",
        function_name="arn:aws:lambda:us-east-1:123456789012:function:thera-status:live",
        result_selector={"state": jp("$.Payload.state")},
        result_path="$.status",
        retry_on_service_exceptions=False,
    )
    until = Wait("Until window", timestamp_path="$.window_start")
    fixed = Wait("Until launch", timestamp="2025-01-31T09:00:00Z")
    return StateMachine(
        until.next(fixed).next(start).next(status).next(poll), comment="Poll until ready"
    )


EXAMPLES: dict[str, Callable[[], StateMachine]] = {
    "every_state_type": every_state_type,
    "distributed_scrape": distributed_scrape,
    "jsonl_and_manifest": jsonl_and_manifest,
    "polling_loop": polling_loop,
}
