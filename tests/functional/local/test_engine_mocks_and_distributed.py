"""Mocked runs (Step Functions Local's MockConfigFile) and Distributed Map run locally."""

from __future__ import annotations

import json

from thera_sdk.local import LocalEngine, VirtualClock
from thera_sdk.storage import LocalObjectStore

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"

ORDER_FLOW = {
    "StartAt": "Charge",
    "States": {
        "Charge": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke",
            "Parameters": {"FunctionName": "charge", "Payload.$": "$"},
            "OutputPath": "$.Payload",
            "Retry": [{"ErrorEquals": ["Throttled"], "IntervalSeconds": 1, "MaxAttempts": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Refund"}],
            "Next": "Done",
        },
        "Refund": {"Type": "Pass", "Result": "refunded", "ResultPath": "$.refund", "End": True},
        "Done": {"Type": "Succeed"},
    },
}

MOCKS = {
    "StateMachines": {
        "orders": {
            "TestCases": {
                "HappyPath": {"Charge": "ChargeOk"},
                "RetryThenOk": {"Charge": "ThrottledOnceThenOk"},
                "AlwaysThrottled": {"Charge": "AlwaysThrottled"},
            }
        }
    },
    "MockedResponses": {
        "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"charged": True}}}},
        "ThrottledOnceThenOk": {
            "0": {"Throw": {"Error": "Throttled", "Cause": "slow down"}},
            "1": {"Return": {"StatusCode": 200, "Payload": {"charged": "late"}}},
        },
        "AlwaysThrottled": {"0-2": {"Throw": {"Error": "Throttled", "Cause": "slow down"}}},
    },
}


def mocked_engine(calls: list) -> LocalEngine:
    def charge(event, context):
        calls.append(event)
        return {"charged": "for real"}

    return LocalEngine(functions={"charge": charge}, mock_config=MOCKS, clock=VirtualClock())


def test_mocked_return_replaces_the_handler():
    calls: list = []
    ex = mocked_engine(calls).run(
        ORDER_FLOW, {"id": 1}, state_machine_name="orders", test_case="HappyPath"
    )
    assert (ex.status, ex.output) == ("SUCCEEDED", {"charged": True})
    assert calls == []


def test_mocked_throw_goes_through_retry():
    ex = mocked_engine([]).run(
        ORDER_FLOW, {"id": 1}, state_machine_name="orders", test_case="RetryThenOk"
    )
    assert ex.output == {"charged": "late"}
    assert [e["type"] for e in ex.history].count("TaskFailed") == 1


def test_mocked_throws_exhaust_retries_then_catch():
    clock = VirtualClock()
    engine = LocalEngine(mock_config=json.dumps(MOCKS), clock=clock)
    ex = engine.run(ORDER_FLOW, {"id": 1}, state_machine_name="orders", test_case="AlwaysThrottled")
    assert ex.status == "SUCCEEDED"
    assert ex.output == {
        "id": 1,
        "error": {"Error": "Throttled", "Cause": "slow down"},
        "refund": "refunded",
    }
    # Two retries: 1 s, then 1 s x BackoffRate 2.
    assert clock.slept == 3


def test_unmocked_run_uses_the_real_handler():
    calls: list = []
    ex = mocked_engine(calls).run(ORDER_FLOW, {"id": 1})
    assert ex.output == {"charged": "for real"} and calls == [{"id": 1}]


def distributed(item_reader: dict | None = None, **fields: object) -> dict:
    spec: dict = {
        "Type": "Map",
        "ItemProcessor": {
            "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "Work",
            "States": {"Work": {"Type": "Task", "Resource": LAMBDA + "work", "End": True}},
        },
        "End": True,
        **fields,
    }
    if item_reader:
        spec["ItemReader"] = item_reader
    return {"StartAt": "Fan", "States": {"Fan": spec}}


def work(event, context):
    if isinstance(event, dict) and event.get("bad"):
        raise ValueError(f"bad item {event}")
    return event


def test_distributed_map_reads_jsonl_batches_and_writes_results(tmp_path):
    # GIVEN a JSONL file of 7 items in a local bucket
    objects = LocalObjectStore(tmp_path)
    objects.create_bucket("data")
    lines = "\n".join(json.dumps({"n": n}) for n in range(7))
    objects.put("data", "in/items.jsonl", lines.encode())
    engine = LocalEngine(functions={"work": work}, objects=objects)
    definition = distributed(
        {
            "Resource": "arn:aws:states:::s3:getObject",
            "ReaderConfig": {"InputType": "JSONL"},
            "Parameters": {"Bucket": "data", "Key.$": "$.key"},
        },
        ItemBatcher={"MaxItemsPerBatch": 3, "BatchInput": {"run.$": "$.run"}},
        ResultWriter={
            "Resource": "arn:aws:states:::s3:putObject",
            "Parameters": {"Bucket": "data", "Prefix": "out"},
        },
        MaxConcurrency=2,
    )
    # WHEN the map runs
    ex = engine.run(definition, {"key": "in/items.jsonl", "run": "r1"})
    # THEN three batches ran as child executions and their results are in the manifest files
    assert ex.status == "SUCCEEDED", ex.cause
    details = ex.output["ResultWriterDetails"]
    manifest = json.loads(objects.get(details["Bucket"], details["Key"]))
    [succeeded] = manifest["ResultFiles"]["SUCCEEDED"]
    records = json.loads(objects.get("data", succeeded["Key"]))
    outputs = [json.loads(r["Output"]) for r in records]
    assert [len(o["Items"]) for o in outputs] == [3, 3, 1]
    assert all(o["BatchInput"] == {"run": "r1"} for o in outputs)
    assert len(ex.map_runs[0]["children"]) == 3


def test_distributed_map_tolerates_failures_up_to_the_threshold(tmp_path):
    items = [{"n": 1}, {"bad": True}, {"n": 3}, {"n": 4}]
    engine = LocalEngine(functions={"work": work}, objects=LocalObjectStore(tmp_path))
    ok = engine.run(distributed(ToleratedFailurePercentage=25), items)
    over = engine.run(distributed(ToleratedFailureCount=0), items)
    assert ok.status == "SUCCEEDED"
    assert ok.output[0] == {"n": 1} and ok.output[1]["Error"] == "ValueError"
    assert (over.status, over.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")


def test_distributed_map_reads_csv_and_lists_objects(tmp_path):
    objects = LocalObjectStore(tmp_path)
    objects.create_bucket("data")
    objects.put("data", "list.csv", b"domain,country\na.example,DE\nb.example,FR\n")
    objects.put("data", "pages/one.md", b"1")
    objects.put("data", "pages/two.md", b"22")
    engine = LocalEngine(functions={"work": work}, objects=objects)
    csv_run = engine.run(
        distributed(
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "CSV", "CSVHeaderLocation": "FIRST_ROW"},
                "Parameters": {"Bucket": "data", "Key": "list.csv"},
            }
        ),
        {},
    )
    listed = engine.run(
        distributed(
            {
                "Resource": "arn:aws:states:::s3:listObjectsV2",
                "Parameters": {"Bucket": "data", "Prefix": "pages/"},
            }
        ),
        {},
    )
    assert csv_run.output == [
        {"domain": "a.example", "country": "DE"},
        {"domain": "b.example", "country": "FR"},
    ]
    assert [(o["Key"], o["Size"]) for o in listed.output] == [
        ("pages/one.md", 1),
        ("pages/two.md", 2),
    ]


def test_missing_item_reader_object_is_a_clear_failure(tmp_path):
    engine = LocalEngine(functions={"work": work}, objects=LocalObjectStore(tmp_path))
    ex = engine.run(
        distributed(
            {
                "Resource": "arn:aws:states:::s3:getObject",
                "ReaderConfig": {"InputType": "JSON"},
                "Parameters": {"Bucket": "data", "Key": "nope.json"},
            }
        ),
        {},
    )
    assert ex.error == "States.ItemReaderFailed"
    assert "data/nope.json" in ex.cause
