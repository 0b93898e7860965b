"""LocalEngine behaviour beyond single-state semantics: threads, time, history, redrive."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, datetime

import pytest

from thera_sdk.local import InvalidDefinitionError, LocalEngine, VirtualClock


def machine(*states: tuple[str, dict], start: str | None = None, **top: object) -> dict:
    return {"StartAt": start or states[0][0], "States": dict(states), **top}


def map_of(processor: dict, **fields: object) -> dict:
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **fields}


PASS_END = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"


def test_max_concurrency_is_honoured_with_real_threads():
    # GIVEN a handler that records how many calls overlap
    lock = threading.Lock()
    active = {"now": 0, "peak": 0}

    def slow(event, context):
        with lock:
            active["now"] += 1
            active["peak"] = max(active["peak"], active["now"])
        time.sleep(0.02)
        with lock:
            active["now"] -= 1
        return event

    task = {
        "StartAt": "T",
        "States": {"T": {"Type": "Task", "Resource": LAMBDA + "slow", "End": True}},
    }
    engine = LocalEngine(functions={"slow": slow})
    # WHEN a Map of 24 items runs with MaxConcurrency 4
    ex = engine.run(machine(("M", map_of(task, MaxConcurrency=4))), list(range(24)))
    # THEN results keep item order and at most 4 (but more than 1) calls overlapped
    assert ex.status == "SUCCEEDED"
    assert ex.output == list(range(24))
    assert 1 < active["peak"] <= 4


def test_failing_iteration_stops_its_siblings():
    # GIVEN one item that fails at once while the others would take a long time
    calls = []

    def work(event, context):
        calls.append(event)
        if event == 0:
            raise ValueError("item zero is broken")
        return event

    wait_then_work = {
        "StartAt": "W",
        "States": {
            "W": {"Type": "Wait", "Seconds": 3600, "Next": "T"},
            "T": {"Type": "Task", "Resource": LAMBDA + "work", "End": True},
        },
    }
    first = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericEquals": 0, "Next": "T"}],
                "Default": "W",
            },
            **wait_then_work["States"],
        },
    }
    engine = LocalEngine(functions={"work": work}, clock=VirtualClock())
    # WHEN the Map runs
    ex = engine.run(machine(("M", map_of(first, MaxConcurrency=1))), [0, 1, 2, 3])
    # THEN the run fails with the item's error, and later items never reached their task
    assert ex.status == "FAILED"
    assert ex.error == "ValueError"
    assert calls == [0]
    types = [e["type"] for e in ex.history]
    assert "MapIterationFailed" in types and "MapStateFailed" in types


def test_parallel_branch_failure_aborts_the_other_branch():
    # GIVEN a slow branch beside a failing one, on the real clock
    finished = threading.Event()

    def slow(event, context):
        time.sleep(0.05)
        finished.set()
        return event

    slow_branch = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Task", "Resource": LAMBDA + "slow", "Next": "B"},
            "B": {"Type": "Pass", "Result": "never", "End": True},
        },
    }
    failing = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Broken", "Cause": "x"}}}
    engine = LocalEngine(functions={"slow": slow})
    # WHEN the Parallel state runs
    ex = engine.run(
        machine(("P", {"Type": "Parallel", "Branches": [slow_branch, failing], "End": True})), {}
    )
    # THEN it fails with the branch's error and the slow branch never entered its next state
    assert (ex.status, ex.error, ex.cause) == ("FAILED", "Broken", "x")
    entered = [
        e["stateEnteredEventDetails"]["name"] for e in ex.history if "stateEnteredEventDetails" in e
    ]
    assert "B" not in entered


def test_wait_uses_the_injected_clock_and_timeout_ends_the_run():
    # GIVEN a virtual clock and a Wait of one hour
    clock = VirtualClock(datetime(2026, 1, 1, tzinfo=UTC))
    engine = LocalEngine(clock=clock)
    waits = machine(("W", {"Type": "Wait", "Seconds": 3600, "End": True}))
    # WHEN it runs without and with a shorter timeout
    done = engine.run(waits, {"k": 1})
    timed = engine.run(waits, {"k": 1}, timeout=60)
    # THEN the first succeeds an hour later, the second times out after 60 s, nobody slept
    assert done.status == "SUCCEEDED" and done.output == {"k": 1}
    assert (done.stop_date - done.start_date).total_seconds() == 3600
    assert (timed.status, timed.error) == ("TIMED_OUT", "States.Timeout")
    assert (timed.stop_date - timed.start_date).total_seconds() == pytest.approx(60)
    assert timed.history[-1]["type"] == "ExecutionTimedOut"


def test_definition_timeout_seconds_times_out():
    engine = LocalEngine(clock=VirtualClock())
    ex = engine.run(
        machine(("W", {"Type": "Wait", "Seconds": 100, "End": True}), TimeoutSeconds=10), {}
    )
    assert ex.status == "TIMED_OUT"


def test_stop_aborts_a_running_execution():
    # GIVEN a run waiting on the real clock
    engine = LocalEngine()
    handle = engine.start(machine(("W", {"Type": "Wait", "Seconds": 30, "End": True})), {})
    # WHEN it is stopped
    ex = handle.stop(error="Operator", cause="stopped by hand")
    # THEN it ends ABORTED at once, with the reason in its history
    assert (ex.status, ex.error, ex.cause) == ("ABORTED", "Operator", "stopped by hand")
    assert ex.history[-1]["type"] == "ExecutionAborted"


def test_history_is_shaped_like_get_execution_history():
    engine = LocalEngine(functions={"echo": lambda e, c: e})
    ex = engine.run(
        machine(
            (
                "T",
                {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "echo", "Payload.$": "$"},
                    "Next": "D",
                },
            ),
            ("D", {"Type": "Pass", "End": True}),
        ),
        {"n": 1},
    )
    events = ex.history
    assert [e["type"] for e in events] == [
        "ExecutionStarted",
        "TaskStateEntered",
        "TaskScheduled",
        "TaskStarted",
        "TaskSucceeded",
        "TaskStateExited",
        "PassStateEntered",
        "PassStateExited",
        "ExecutionSucceeded",
    ]
    assert [e["id"] for e in events] == list(range(1, 10))
    assert [e["previousEventId"] for e in events] == list(range(0, 9))
    scheduled = events[2]["taskScheduledEventDetails"]
    assert scheduled["resourceType"] == "lambda" and scheduled["resource"] == "invoke"
    assert json.loads(scheduled["parameters"]) == {"FunctionName": "echo", "Payload": {"n": 1}}
    entered = events[1]["stateEnteredEventDetails"]
    assert entered == {"name": "T", "input": '{"n":1}', "inputDetails": {"truncated": False}}
    assert json.loads(events[-1]["executionSucceededEventDetails"]["output"]) == ex.output


def test_function_names_resolve_from_every_reference_form():
    # GIVEN one handler reached through a name, partial ARN, full ARN and qualified ARN
    engine = LocalEngine(functions={"score": lambda e, c: {"fn": c.function_name}})
    refs = [
        "score",
        "score:live",
        "123456789012:function:score",
        "arn:aws:lambda:eu-west-1:123456789012:function:score",
        "arn:aws:lambda:eu-west-1:123456789012:function:score:$LATEST",
    ]
    for ref in refs:
        ex = engine.run(
            machine(
                (
                    "T",
                    {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::lambda:invoke",
                        "Parameters": {"FunctionName": ref},
                        "OutputPath": "$.Payload",
                        "End": True,
                    },
                )
            ),
            {},
        )
        assert (ex.status, ex.output) == ("SUCCEEDED", {"fn": "score"}), ref


def test_unknown_function_is_a_clear_lambda_error():
    engine = LocalEngine(functions={"known": lambda e, c: e})
    ex = engine.run(
        machine(("T", {"Type": "Task", "Resource": LAMBDA + "missing", "End": True})), {}
    )
    assert ex.error == "Lambda.ResourceNotFoundException"
    assert "missing" in ex.cause and "known" in ex.cause


def test_handler_gets_a_lambda_context_with_remaining_time():
    seen = {}

    def handler(event, context):
        seen["remaining"] = context.get_remaining_time_in_millis()
        seen["arn"] = context.invoked_function_arn
        return None

    engine = LocalEngine(functions={"f": handler}, clock=VirtualClock())
    engine.run(
        machine(("T", {"Type": "Task", "Resource": LAMBDA + "f", "End": True})), {}, timeout=30
    )
    assert 0 < seen["remaining"] <= 30_000
    assert seen["arn"].endswith(":function:f")


def test_task_timeout_seconds_raises_states_timeout():
    engine = LocalEngine(functions={"slow": lambda e, c: time.sleep(1.5)})
    ex = engine.run(
        machine(
            (
                "T",
                {
                    "Type": "Task",
                    "Resource": LAMBDA + "slow",
                    "TimeoutSeconds": 1,
                    "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "Caught"}],
                    "End": True,
                },
            ),
            ("Caught", {"Type": "Pass", "End": True}),
        ),
        {},
    )
    assert ex.status == "SUCCEEDED"
    assert ex.output["Error"] == "States.Timeout"
    assert "TaskStateEntered" in [e["type"] for e in ex.history]


def test_result_over_256_kib_is_data_limit_exceeded():
    engine = LocalEngine(functions={"big": lambda e, c: "x" * 300_000})
    ex = engine.run(machine(("T", {"Type": "Task", "Resource": LAMBDA + "big", "End": True})), {})
    assert ex.error == "States.DataLimitExceeded"


def test_input_over_256_kib_is_refused_before_the_run():
    with pytest.raises(ValueError, match="at most 262144"):
        LocalEngine().run(PASS_END, {"blob": "x" * 300_000})


def test_invalid_definition_is_refused_with_every_problem():
    bad = {"StartAt": "Nope", "States": {"A": {"Type": "Pass", "Next": "Missing"}}}
    with pytest.raises(InvalidDefinitionError) as info:
        LocalEngine().run(bad, {})
    assert len(info.value.problems) >= 2


def test_redrive_resumes_from_the_failed_state_without_repeating_done_work():
    # GIVEN a run whose second step fails the first time only
    calls = {"first": 0, "second": 0}

    def first(event, context):
        calls["first"] += 1
        return {"step": 1}

    def second(event, context):
        calls["second"] += 1
        if calls["second"] == 1:
            raise RuntimeError("transient outage")
        return {"step": 2, "saw": event}

    engine = LocalEngine(functions={"first": first, "second": second})
    definition = machine(
        ("One", {"Type": "Task", "Resource": LAMBDA + "first", "Next": "Two"}),
        ("Two", {"Type": "Task", "Resource": LAMBDA + "second", "End": True}),
    )
    failed = engine.run(definition, {}, name="daily-1")
    assert (failed.status, failed.error) == ("FAILED", "RuntimeError")
    # WHEN it is redriven
    done = engine.redrive(failed)
    # THEN only the failed state ran again, with the input it had, and the history continues
    assert done.status == "SUCCEEDED"
    assert done.output == {"step": 2, "saw": {"step": 1}}
    assert calls == {"first": 1, "second": 2}
    assert done.redrive_count == 1 and done.name == "daily-1"
    assert "ExecutionRedriven" in [e["type"] for e in done.history]
    with pytest.raises(ValueError, match="only a FAILED"):
        engine.redrive(done)


def test_substitutions_fill_definition_placeholders():
    engine = LocalEngine(functions={"real-name": lambda e, c: "ok"})
    ex = engine.run(
        machine(("T", {"Type": "Task", "Resource": "${ScoreArn}", "End": True})),
        {},
        substitutions={"ScoreArn": LAMBDA + "real-name"},
    )
    assert ex.output == "ok"


def test_execution_name_and_context_object():
    engine = LocalEngine()
    ex = engine.run(
        machine(
            (
                "P",
                {
                    "Type": "Pass",
                    "Parameters": {
                        "name.$": "$$.Execution.Name",
                        "input.$": "$$.Execution.Input",
                        "sm.$": "$$.StateMachine.Name",
                        "state.$": "$$.State.Name",
                        "retry.$": "$$.State.RetryCount",
                        "id.$": "$$.Execution.Id",
                    },
                    "End": True,
                },
            )
        ),
        {"k": "v"},
        name="run-42",
        state_machine_name="thera-daily",
    )
    assert ex.output["name"] == "run-42"
    assert ex.output["input"] == {"k": "v"}
    assert ex.output["sm"] == "thera-daily"
    assert ex.output["state"] == "P" and ex.output["retry"] == 0
    assert ex.output["id"] == ex.execution_arn
    assert ex.execution_arn.endswith(":execution:thera-daily:run-42")


def test_a_handler_that_cannot_be_imported_fails_like_lambda():
    class Broken(dict):
        def get(self, name, default=None):
            raise ModuleNotFoundError("No module named 'tasks.gone'")

    ex = LocalEngine(functions=Broken()).run(
        machine(("T", {"Type": "Task", "Resource": LAMBDA + "gone", "End": True})), {}
    )
    assert ex.error == "Runtime.ImportModuleError"
    assert "tasks.gone" in ex.cause
