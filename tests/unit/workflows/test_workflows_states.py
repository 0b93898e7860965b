"""Each state builder renders the ASL AWS documents; chains turn into Next/End."""

from __future__ import annotations

from typing import Any

import pytest

from workflows import (
    LAMBDA_SERVICE_RETRY,
    Catch,
    Chain,
    Fail,
    IamStatement,
    LambdaInvoke,
    Parallel,
    Pass,
    Retry,
    State,
    StateMachine,
    Succeed,
    Task,
    Wait,
    jp,
)

LAMBDA_RETRY = {
    "ErrorEquals": [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
    ],
    "IntervalSeconds": 1,
    "MaxAttempts": 3,
    "BackoffRate": 2,
    "JitterStrategy": "FULL",
}


def rendered(state: State | Chain, name: str | None = None) -> dict[str, Any]:
    """Compile ``state`` alone and return the ASL of ``name`` (default: the first state)."""
    asl = StateMachine(state).compile()
    return asl["States"][name or asl["StartAt"]]  # type: ignore[no-any-return]


def test_task_renders_every_field_in_processing_order() -> None:
    # GIVEN a Task using every field it supports
    failed = Fail("Failed")
    task = Task(
        "Start crawl",
        resource="arn:aws:states:::states:startExecution.sync:2",
        comment="Run the crawler",
        parameters={
            "StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:c",
            "Input": {"id": jp("$.id")},
        },
        input_path="$.job",
        result_selector={"out": jp("$.Output")},
        result_path="$.crawl",
        output_path="$.crawl",
        assign={"crawled": True},
        timeout_seconds=900,
        heartbeat_seconds=60,
        retry=[Retry(["States.Timeout"], max_attempts=2)],
        catch=[Catch(["States.ALL"], failed)],
    )
    # THEN it renders them all, Next/End last
    assert rendered(task) == {
        "Type": "Task",
        "Comment": "Run the crawler",
        "Resource": "arn:aws:states:::states:startExecution.sync:2",
        "InputPath": "$.job",
        "Parameters": {
            "StateMachineArn": "arn:aws:states:us-east-1:1:stateMachine:c",
            "Input": {"id.$": "$.id"},
        },
        "ResultSelector": {"out.$": "$.Output"},
        "ResultPath": "$.crawl",
        "OutputPath": "$.crawl",
        "Assign": {"crawled": True},
        "TimeoutSeconds": 900,
        "HeartbeatSeconds": 60,
        "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 2}],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
        "End": True,
    }


def test_task_dynamic_timeouts_and_null_paths() -> None:
    task = Task(
        "Work",
        resource="arn:aws:states:us-east-1:123456789012:activity:work",
        timeout_seconds_path="$.timeout",
        heartbeat_seconds_path="$.heartbeat",
        input_path=None,
        result_path=None,
        output_path=None,
    )
    assert rendered(task) == {
        "Type": "Task",
        "Resource": "arn:aws:states:us-east-1:123456789012:activity:work",
        "InputPath": None,
        "ResultPath": None,
        "OutputPath": None,
        "TimeoutSecondsPath": "$.timeout",
        "HeartbeatSecondsPath": "$.heartbeat",
        "End": True,
    }


def test_lambda_invoke_defaults_pass_the_input_and_return_the_payload() -> None:
    assert rendered(LambdaInvoke("Check", function_name="thera-check")) == {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "thera-check", "Payload.$": "$"},
        "OutputPath": "$.Payload",
        "Retry": [LAMBDA_RETRY],
        "End": True,
    }


def test_lambda_invoke_with_result_path_keeps_the_merged_input() -> None:
    state = rendered(LambdaInvoke("Check", function_name="thera-check", result_path="$.check"))
    assert state["ResultPath"] == "$.check"
    assert "OutputPath" not in state


def test_lambda_invoke_options() -> None:
    # GIVEN a dynamic function name, a path payload, extra parameters and own retriers
    invoke = LambdaInvoke(
        "Call",
        function_name=jp("$.function"),
        payload=jp("$.event"),
        parameters={"InvocationType": "RequestResponse"},
        output_path="$",
        retry_on_service_exceptions=False,
        retry=[Retry(["Lambda.Unknown"], max_attempts=1)],
    )
    # THEN the template renders the .$ keys and only the given retrier
    assert rendered(invoke) == {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {
            "FunctionName.$": "$.function",
            "Payload.$": "$.event",
            "InvocationType": "RequestResponse",
        },
        "Retry": [{"ErrorEquals": ["Lambda.Unknown"], "MaxAttempts": 1}],
        "End": True,
    }


def test_lambda_invoke_puts_the_service_retry_before_custom_ones() -> None:
    custom = Retry(["States.ALL"], max_attempts=1)
    state = rendered(LambdaInvoke("Call", function_name="f", retry=[custom]))
    assert state["Retry"] == [LAMBDA_RETRY, {"ErrorEquals": ["States.ALL"], "MaxAttempts": 1}]
    assert LAMBDA_SERVICE_RETRY.render() == LAMBDA_RETRY


def test_pass_renders_result_parameters_and_paths() -> None:
    assert rendered(Pass("Nothing", result=None, comment="null result")) == {
        "Type": "Pass",
        "Comment": "null result",
        "Result": None,
        "End": True,
    }
    shaped = Pass(
        "Shape",
        parameters={"id": jp("$.id"), "tags": ["a", {"b": jp("$.b")}]},
        input_path="$.company",
        result_path="$.shaped",
        output_path="$.shaped",
        assign={"company_id": jp("$.id")},
    )
    assert rendered(shaped) == {
        "Type": "Pass",
        "InputPath": "$.company",
        "Parameters": {"id.$": "$.id", "tags": ["a", {"b.$": "$.b"}]},
        "ResultPath": "$.shaped",
        "OutputPath": "$.shaped",
        "Assign": {"company_id.$": "$.id"},
        "End": True,
    }
    assert rendered(Pass("Plain")) == {"Type": "Pass", "End": True}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"seconds": 0}, {"Seconds": 0}),
        ({"seconds_path": "$.wait"}, {"SecondsPath": "$.wait"}),
        ({"timestamp": "2025-01-31T09:00:00Z"}, {"Timestamp": "2025-01-31T09:00:00Z"}),
        ({"timestamp_path": "$.at"}, {"TimestampPath": "$.at"}),
    ],
)
def test_wait_renders_each_form(kwargs: dict[str, Any], field: dict[str, Any]) -> None:
    assert rendered(Wait("Pause", **kwargs)) == {"Type": "Wait", **field, "End": True}


def test_wait_io_fields() -> None:
    wait = Wait("Pause", seconds=1, input_path="$.a", output_path="$.b", assign={"x": 1})
    assert rendered(wait) == {
        "Type": "Wait",
        "Seconds": 1,
        "InputPath": "$.a",
        "OutputPath": "$.b",
        "Assign": {"x": 1},
        "End": True,
    }


def test_succeed_and_fail_render_without_next() -> None:
    assert rendered(Succeed("Done", comment="ok")) == {"Type": "Succeed", "Comment": "ok"}
    assert rendered(Fail("Failed", error="Thera.X", cause="because", comment="c")) == {
        "Type": "Fail",
        "Comment": "c",
        "Error": "Thera.X",
        "Cause": "because",
    }
    dynamic = Fail("Failed", error_path="$.Error", cause_path="States.Format('bad: {}', $.Cause)")
    assert rendered(dynamic) == {
        "Type": "Fail",
        "ErrorPath": "$.Error",
        "CausePath": "States.Format('bad: {}', $.Cause)",
    }


def test_parallel_renders_branches_as_nested_machines() -> None:
    failed = Fail("Failed")
    parallel = Parallel(
        "Both",
        branches=[Pass("Left").next(Pass("Left 2")), Succeed("Right")],
        parameters={"id": jp("$.id")},
        result_selector={"left.$": "$[0]"},
        result_path="$.both",
        retry=[Retry(["States.ALL"], interval_seconds=2, backoff_rate=1.5, jitter_strategy="NONE")],
        catch=[Catch(["States.ALL"], failed, result_path=None)],
        comment="fan out",
        assign={"done": True},
    )
    assert rendered(parallel) == {
        "Type": "Parallel",
        "Comment": "fan out",
        "Branches": [
            {
                "StartAt": "Left",
                "States": {
                    "Left": {"Type": "Pass", "Next": "Left 2"},
                    "Left 2": {"Type": "Pass", "End": True},
                },
            },
            {"StartAt": "Right", "States": {"Right": {"Type": "Succeed"}}},
        ],
        "Parameters": {"id.$": "$.id"},
        "ResultSelector": {"left.$": "$[0]"},
        "ResultPath": "$.both",
        "Assign": {"done": True},
        "Retry": [
            {
                "ErrorEquals": ["States.ALL"],
                "IntervalSeconds": 2,
                "BackoffRate": 1.5,
                "JitterStrategy": "NONE",
            }
        ],
        "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed", "ResultPath": None}],
        "End": True,
    }


def test_retry_and_catch_render() -> None:
    retry = Retry(
        ["A", "B"],
        interval_seconds=3,
        max_attempts=5,
        backoff_rate=2.5,
        max_delay_seconds=30,
        jitter_strategy="FULL",
    )
    assert retry.render() == {
        "ErrorEquals": ["A", "B"],
        "IntervalSeconds": 3,
        "MaxAttempts": 5,
        "BackoffRate": 2.5,
        "MaxDelaySeconds": 30,
        "JitterStrategy": "FULL",
    }
    handler = Pass("Log").next(Fail("Failed"))
    catch = Catch(["States.TaskFailed"], handler, result_path="$.err", assign={"e": jp("$.Error")})
    assert catch.render() == {
        "ErrorEquals": ["States.TaskFailed"],
        "Next": "Log",
        "ResultPath": "$.err",
        "Assign": {"e.$": "$.Error"},
    }


def test_catch_handler_chain_is_part_of_the_machine() -> None:
    task = Task(
        "Work",
        resource="arn:aws:states:us-east-1:1:activity:w",
        catch=[Catch(["States.ALL"], Pass("Log").next(Fail("Failed")))],
    )
    asl = StateMachine(task.next(Succeed("Done"))).compile()
    assert list(asl["States"]) == ["Work", "Log", "Failed", "Done"]
    assert asl["States"]["Log"]["Next"] == "Failed"
    assert asl["States"]["Work"]["Next"] == "Done"


def test_next_returns_a_new_chain_and_leaves_the_old_one_alone() -> None:
    # GIVEN a chain of two states
    first = Pass("A").next(Pass("B"))
    # WHEN it is extended
    longer = first.next(Pass("C")).next(Pass("D").next(Pass("E")))
    # THEN a new chain is returned and the original is unchanged
    assert [s.name for s in first.states] == ["A", "B"]
    assert [s.name for s in longer.states] == ["A", "B", "C", "D", "E"]
    assert Chain.of(Pass("A"), Pass("B").next(Pass("C"))).states == (
        Pass("A"),
        Pass("B"),
        Pass("C"),
    )
    assert longer.start == Pass("A")
    asl = StateMachine(longer).compile()
    assert [asl["States"][n].get("Next") for n in "ABCDE"] == ["B", "C", "D", "E", None]
    assert asl["States"]["E"]["End"] is True


def test_a_chain_needs_a_state() -> None:
    with pytest.raises(ValueError, match="at least one state"):
        Chain(())


def test_jp_must_sit_under_a_key() -> None:
    with pytest.raises(TypeError, match=r"put it under a key"):
        StateMachine(Pass("P", result=jp("$.x"))).compile()


def test_states_are_immutable() -> None:
    state = Pass("P")
    with pytest.raises(AttributeError):
        state.name = "Q"  # type: ignore[misc]


def test_state_machine_top_level_fields_and_json() -> None:
    machine = StateMachine(
        Succeed("Done"), comment="c", timeout_seconds=60, query_language="JSONPath"
    )
    assert machine.compile() == {
        "Comment": "c",
        "StartAt": "Done",
        "States": {"Done": {"Type": "Succeed"}},
        "TimeoutSeconds": 60,
        "QueryLanguage": "JSONPath",
    }
    assert machine.to_json(indent=None).startswith('{"Comment": "c", "StartAt": "Done"')


def test_task_iam_is_derived_from_the_resource_plus_extras() -> None:
    extra = IamStatement(("states:StartExecution",), ("arn:aws:states:us-east-1:1:stateMachine:c",))
    plain = Task(
        "F", resource="arn:aws:lambda:us-east-1:123456789012:function:thera-f:live", iam=[extra]
    )
    assert plain.iam_statements() == [
        IamStatement(
            ("lambda:InvokeFunction",),
            (
                "arn:aws:lambda:us-east-1:123456789012:function:thera-f",
                "arn:aws:lambda:us-east-1:123456789012:function:thera-f:*",
            ),
        ),
        extra,
    ]
    activity = Task("A", resource="arn:aws:states:us-east-1:1:activity:a")
    assert activity.iam_statements() == []
