"""A small example workflow that uses every feature the stack renders: function placeholders,
a Distributed Map reading from S3, a Parallel, a Choice, a Catch, a schedule."""

from __future__ import annotations

from thera_sdk.deploy import Workflow
from workflows import (
    Catch,
    Choice,
    Condition,
    DistributedMap,
    Fail,
    ItemBatcher,
    ItemReader,
    LambdaInvoke,
    Parallel,
    StateMachine,
    Succeed,
    jp,
)
from workflows.functions import BY_KEY


def example_machine() -> StateMachine:
    failed = Fail("Failed", error="Example.Failed")
    prepare = LambdaInvoke(
        "Prepare",
        function_name=BY_KEY["PrepareRun"].placeholder,
        catch=[Catch(["States.ALL"], failed)],
    )
    fan_out = DistributedMap(
        "Check all",
        item_reader=ItemReader.s3_jsonl(jp("$.plan.bucket"), jp("$.plan.key")),
        item_batcher=ItemBatcher(max_items_per_batch=5),
        item_processor=LambdaInvoke(
            "Check batch", function_name=BY_KEY["DomainHealth"].placeholder
        ),
        max_concurrency=4,
        result_path=None,
    )
    both = Parallel(
        "Publish and measure",
        branches=[
            LambdaInvoke("Publish", function_name=BY_KEY["Publisher"].placeholder),
            LambdaInvoke("Measure", function_name=BY_KEY["Ams"].placeholder),
        ],
        result_path=None,
    )
    route = (
        Choice("Anything?")
        .when(
            Condition.numeric_greater_than("$.plan.count", 0),
            fan_out.next(both).next(Succeed("Done")),
        )
        .otherwise(Succeed("Nothing to do"))
    )
    return StateMachine(prepare.next(route), comment="Example")


def example_workflows() -> list[Workflow]:
    return [
        Workflow("example", example_machine(), schedule="cron(0 6 * * ? *)"),
        Workflow("on-demand", StateMachine(Succeed("Only")), schedule=None),
    ]
