"""Inline and Distributed Map states, their readers, batchers and writers, and their IAM."""

from __future__ import annotations

from typing import Any

import pytest

from workflows import (
    Catch,
    DistributedMap,
    Fail,
    IamStatement,
    ItemBatcher,
    ItemReader,
    LambdaInvoke,
    Map,
    Pass,
    ResultWriter,
    Retry,
    StateMachine,
    iam_statements,
    jp,
)


def test_inline_map_renders_every_field() -> None:
    # GIVEN an inline Map with each field it supports
    scrape = Map(
        "Each",
        comment="per domain",
        item_processor=Pass("Item").next(Pass("Item 2")),
        items_path="$.domains",
        item_selector={"domain": jp("$$.Map.Item.Value"), "index": jp("$$.Map.Item.Index")},
        max_concurrency=0,
        input_path="$.batch",
        result_selector={"n.$": "States.ArrayLength($)"},
        result_path="$.results",
        output_path="$.results",
        assign={"mapped": True},
        retry=[Retry(["States.ALL"], max_attempts=1)],
        catch=[Catch(["States.ALL"], Fail("Failed"))],
    )
    # THEN the ASL has the INLINE processor and the fields in ASL order
    assert StateMachine(scrape).compile()["States"]["Each"] == {
        "Type": "Map",
        "Comment": "per domain",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Item",
            "States": {
                "Item": {"Type": "Pass", "Next": "Item 2"},
                "Item 2": {"Type": "Pass", "End": True},
            },
        },
        "ItemsPath": "$.domains",
        "ItemSelector": {"domain.$": "$$.Map.Item.Value", "index.$": "$$.Map.Item.Index"},
        "MaxConcurrency": 0,
        "InputPath": "$.batch",
        "ResultSelector": {"n.$": "States.ArrayLength($)"},
        "ResultPath": "$.results",
        "OutputPath": "$.results",
        "Assign": {"mapped": True},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
        "End": True,
    }


def test_inline_map_concurrency_path_and_defaults() -> None:
    each = Map("Each", item_processor=Pass("Item"), max_concurrency_path="$.limit")
    assert StateMachine(each).compile()["States"]["Each"] == {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "INLINE"},
            "StartAt": "Item",
            "States": {"Item": {"Type": "Pass", "End": True}},
        },
        "MaxConcurrencyPath": "$.limit",
        "End": True,
    }


def test_distributed_map_renders_reader_batcher_writer_and_tolerance() -> None:
    # GIVEN a Distributed Map with every distributed field
    process = DistributedMap(
        "All",
        item_processor=Pass("Batch"),
        execution_type="EXPRESS",
        item_reader=ItemReader.s3_jsonl(jp("$.bucket"), "in.jsonl", max_items=10),
        item_batcher=ItemBatcher(
            max_items_per_batch_path="$.per_batch",
            max_input_bytes_per_batch=262_144,
            batch_input={"run": jp("$$.Execution.Name")},
        ),
        result_writer=None,
        tolerated_failure_count=3,
        tolerated_failure_percentage_path="$.pct",
        label="all",
        max_concurrency=1000,
    )
    state = StateMachine(process).compile()["States"]["All"]
    # THEN the processor is DISTRIBUTED and each field renders
    assert state == {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
            "StartAt": "Batch",
            "States": {"Batch": {"Type": "Pass", "End": True}},
        },
        "MaxConcurrency": 1000,
        "ItemReader": {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL", "MaxItems": 10},
            "Parameters": {"Bucket.$": "$.bucket", "Key": "in.jsonl"},
        },
        "ItemBatcher": {
            "MaxItemsPerBatchPath": "$.per_batch",
            "MaxInputBytesPerBatch": 262_144,
            "BatchInput": {"run.$": "$$.Execution.Name"},
        },
        "ToleratedFailurePercentagePath": "$.pct",
        "ToleratedFailureCount": 3,
        "Label": "all",
        "End": True,
    }


@pytest.mark.parametrize(
    ("reader", "expected"),
    [
        (
            ItemReader.s3_json("b", "k.json", version_id="v1"),
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON"},
                "Parameters": {"Bucket": "b", "Key": "k.json", "VersionId": "v1"},
            },
        ),
        (
            ItemReader.s3_jsonl("b", "k.jsonl", max_items_path="$.n"),
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSONL", "MaxItemsPath": "$.n"},
                "Parameters": {"Bucket": "b", "Key": "k.jsonl"},
            },
        ),
        (
            ItemReader.s3_csv("b", "k.csv", delimiter="SEMICOLON"),
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {
                    "InputType": "CSV",
                    "CSVHeaderLocation": "FIRST_ROW",
                    "CSVDelimiter": "SEMICOLON",
                },
                "Parameters": {"Bucket": "b", "Key": "k.csv"},
            },
        ),
        (
            ItemReader.s3_csv("b", "k.csv", header_location="GIVEN", headers=["a", "b"]),
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {
                    "InputType": "CSV",
                    "CSVHeaderLocation": "GIVEN",
                    "CSVHeaders": ["a", "b"],
                },
                "Parameters": {"Bucket": "b", "Key": "k.csv"},
            },
        ),
        (
            ItemReader.s3_manifest("b", jp("$.manifest"), max_items=5),
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "MANIFEST", "MaxItems": 5},
                "Parameters": {"Bucket": "b", "Key.$": "$.manifest"},
            },
        ),
        (
            ItemReader.s3_objects("b", "raw/"),
            {
                "Resource": "arn:aws:states:::s3:listObjectsV2",
                "Parameters": {"Bucket": "b", "Prefix": "raw/"},
            },
        ),
    ],
)
def test_item_readers_render(reader: ItemReader, expected: dict[str, Any]) -> None:
    assert reader.render() == expected
    process = DistributedMap("All", item_reader=reader, item_processor=Pass("Item"))
    assert StateMachine(process).compile()["States"]["All"]["ItemReader"] == expected


def test_distributed_map_declares_the_iam_it_needs() -> None:
    # GIVEN a Distributed Map reading from S3, writing to S3 and invoking a Lambda
    process = DistributedMap(
        "All",
        item_reader=ItemReader.s3_csv("raw", "in.csv"),
        result_writer=ResultWriter("runs", "out/"),
        item_processor=LambdaInvoke("Work", function_name="thera-work"),
    )
    machine = StateMachine(process)
    statements = machine.iam_statements()
    # THEN child executions, the reader, the writer and the function are all covered
    partition = "arn:${AWS::Partition}"
    states = f"{partition}:states:${{AWS::Region}}:${{AWS::AccountId}}"
    assert statements == [
        IamStatement(("states:StartExecution",), (f"{states}:stateMachine:${{StateMachineName}}",)),
        IamStatement(
            ("states:DescribeExecution", "states:StopExecution"),
            (f"{states}:execution:${{StateMachineName}}/*",),
        ),
        IamStatement(("s3:GetObject",), (f"{partition}:s3:::raw/in.csv",)),
        IamStatement(
            (
                "s3:AbortMultipartUpload",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
            ),
            (f"{partition}:s3:::runs/out/*",),
        ),
        IamStatement(
            ("lambda:InvokeFunction",),
            (
                f"{partition}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:thera-work",
                f"{partition}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:thera-work:*",
            ),
        ),
    ]
    # AND the same needs are derived from the compiled ASL alone
    assert iam_statements(machine.compile()) == statements
    assert iam_statements(machine) == statements


def test_iam_for_listing_and_inline_maps() -> None:
    listing = DistributedMap(
        "List", item_reader=ItemReader.s3_objects(jp("$.bucket")), item_processor=Pass("Obj")
    )
    assert IamStatement(("s3:ListBucket",), ("arn:${AWS::Partition}:s3:::*",)) in (
        listing.iam_statements()
    )
    assert Map("Inline", item_processor=Pass("Item")).iam_statements() == []
