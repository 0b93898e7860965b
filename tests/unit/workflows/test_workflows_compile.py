"""``compile()`` reports every problem of a builder graph, each with its fix."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from workflows import (
    Catch,
    Chain,
    Choice,
    Condition,
    DefinitionError,
    DistributedMap,
    Fail,
    ItemBatcher,
    ItemReader,
    LambdaInvoke,
    Map,
    Parallel,
    Pass,
    Retry,
    State,
    StateMachine,
    StateRef,
    Succeed,
    Task,
    Wait,
    jp,
)

ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:work"


def _two_successors() -> State:
    a = Pass("A")
    return (
        Choice("Route")
        .when(Condition.is_null("$.x"), a.next(Pass("B")))
        .otherwise(a.next(Pass("C")))
    )


# (id, builder graph, pattern the DefinitionError message must contain)
BUILDER_PROBLEMS: list[tuple[str, Callable[[], State | Chain], str]] = [
    (
        "duplicate name in one scope",
        lambda: Pass("Same").next(Pass("Same", result=1)),
        r"State 'Same': two different states have this name; rename one",
    ),
    (
        "duplicate name across a Parallel branch",
        lambda: Pass("Same").next(Parallel("P", branches=[Pass("Same")])),
        r"State 'Same' is defined twice \(the top level and Parallel 'P' branch 1\)",
    ),
    (
        "duplicate name across a Map processor",
        lambda: Pass("Item").next(Map("M", item_processor=Pass("Item"))),
        r"State 'Item' is defined twice \(the top level and Map 'M' item processor\)",
    ),
    (
        "two successors",
        _two_successors,
        r"State 'A': is followed by both 'B' and 'C'; a state has a single Next",
    ),
    (
        "next after a Choice",
        lambda: Choice("C").when(Condition.is_null("$.x"), Succeed("S")).next(Pass("After")),
        r"State 'C': a Choice state cannot be followed by 'After' with next\(\); put the states",
    ),
    (
        "next after a Succeed",
        lambda: Succeed("S").next(Pass("After")),
        r"State 'S': a Succeed state cannot be followed by 'After' with next\(\)",
    ),
    (
        "next after a Fail",
        lambda: Fail("F").next(Pass("After")),
        r"State 'F': a Fail state cannot be followed by 'After'",
    ),
    (
        "missing Next target",
        lambda: Pass("A").next(StateRef("Nowhere")),
        r"State 'A': Next: there is no state named 'Nowhere'; add it or fix the name",
    ),
    (
        "missing Default target",
        lambda: (
            Choice("C").when(Condition.is_null("$.x"), Succeed("S")).otherwise(StateRef("Nowhere"))
        ),
        r"State 'C': Default: there is no state named 'Nowhere'",
    ),
    (
        "missing Choice rule target",
        lambda: Choice("C").when(Condition.is_null("$.x"), StateRef("Nowhere")),
        r"State 'C': Choices\[0\]\.Next: there is no state named 'Nowhere'",
    ),
    (
        "missing Catch target",
        lambda: Task("T", resource=ACTIVITY, catch=[Catch(["States.ALL"], StateRef("Nowhere"))]),
        r"State 'T': Catch\[0\]\.Next: there is no state named 'Nowhere'",
    ),
    (
        "transition out of a branch",
        lambda: Pass("Outer").next(Parallel("P", branches=[Pass("In").next(StateRef("Outer"))])),
        r"State 'In' \(in Parallel 'P' branch 1\): Next: 'Outer' is in the top level; a state "
        r"can only go to states of its own level",
    ),
    (
        "unreachable state",
        lambda: Task(
            "T", resource=ACTIVITY, catch=[Catch(["X"], StateRef("Gone").next(Pass("Lost")))]
        ),
        r"State 'Lost': is unreachable from StartAt; connect it",
    ),
    (
        "States.ALL not alone in Retry",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["States.ALL", "X"])]),
        r"State 'T': Retry\[0\]: States\.ALL must appear alone and in the last entry",
    ),
    (
        "States.ALL not last in Catch",
        lambda: Task(
            "T",
            resource=ACTIVITY,
            catch=[Catch(["States.ALL"], Fail("F1")), Catch(["X"], Fail("F2"))],
        ),
        r"State 'T': Catch\[0\]: States\.ALL must appear alone and in the last entry",
    ),
    (
        "empty ErrorEquals",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry([])]),
        r"State 'T': Retry\[0\]: ErrorEquals must be a non-empty list",
    ),
    (
        "path without $",
        lambda: Pass("P", input_path="domain"),
        r"State 'P': InputPath: 'domain' is not a path; a path must start with '\$'",
    ),
    (
        "ResultPath with a wildcard",
        lambda: Pass("P", result_path="$.a[*]"),
        r"State 'P': ResultPath: '\$\.a\[\*\]' is not a reference path: it contains the "
        r"selector \[\*\]",
    ),
    (
        "ResultPath into the context object",
        lambda: Task("T", resource=ACTIVITY, result_path="$$.Execution"),
        r"ResultPath: '\$\$\.Execution' must point into the state's data",
    ),
    (
        "ItemsPath with a deep scan",
        lambda: Map("M", item_processor=Pass("I"), items_path="$..items"),
        r"State 'M': ItemsPath: '\$\.\.items' is not a reference path: it contains an empty name "
        r"or a '\.\.' deep scan",
    ),
    (
        "ItemsPath with a filter",
        lambda: Map("M", item_processor=Pass("I"), items_path="$.items[?(@.live)]"),
        r"ItemsPath: .* is not a reference path",
    ),
    (
        "jp value that is not a path",
        lambda: Pass("P", parameters={"domain": jp("domain")}),
        r"State 'P': Parameters: field 'domain\.\$': 'domain' must be a path starting with '\$'",
    ),
    (
        "broken intrinsic function",
        lambda: Pass("P", parameters={"id": jp("States.Format('x{}', $.a")}),
        r"is not a valid intrinsic function call",
    ),
    (
        "unknown intrinsic function",
        lambda: Pass("P", parameters={"id": jp("States.Nope($.a)")}),
        r"unknown intrinsic function States\.Nope",
    ),
    (
        "negative MaxConcurrency",
        lambda: Map("M", item_processor=Pass("I"), max_concurrency=-1),
        r"State 'M': MaxConcurrency must be an integer >= 0 \(0 means no limit\)",
    ),
    (
        "Map without a processor",
        lambda: Map("M"),
        r"State 'M': a Map state needs an ItemProcessor.*\(item_processor= in the builder\)",
    ),
    (
        "Choice without a rule",
        lambda: Choice("C").otherwise(Succeed("S")),
        r"State 'C': a Choice state needs at least one rule; add one with \.when",
    ),
    (
        "name over 80 characters",
        lambda: Pass("N" * 81),
        r"the name is 81 characters long; AWS allows at most 80, so shorten it",
    ),
    (
        "Wait with two durations",
        lambda: Wait("W", seconds=1, timestamp_path="$.at"),
        r"State 'W': a Wait state needs exactly one of Seconds, SecondsPath, Timestamp or "
        r"TimestampPath \(found 2\)",
    ),
    (
        "Wait without a duration",
        lambda: Wait("W"),
        r"a Wait state needs exactly one of .* \(found 0\)",
    ),
    (
        "Wait with a bad timestamp",
        lambda: Wait("W", timestamp="31/01/2025"),
        r"State 'W': Timestamp must be an RFC 3339 time",
    ),
    (
        "Fail with Error and ErrorPath",
        lambda: Fail("F", error="X", error_path="$.e"),
        r"State 'F': has both Error and ErrorPath; provide only one of them",
    ),
    (
        "Task with both timeouts",
        lambda: Task("T", resource=ACTIVITY, timeout_seconds=5, timeout_seconds_path="$.t"),
        r"has both TimeoutSeconds and TimeoutSecondsPath",
    ),
    (
        "heartbeat not below timeout",
        lambda: Task("T", resource=ACTIVITY, timeout_seconds=60, heartbeat_seconds=60),
        r"State 'T': HeartbeatSeconds must be smaller than TimeoutSeconds",
    ),
    (
        "zero TimeoutSeconds",
        lambda: Task("T", resource=ACTIVITY, timeout_seconds=0),
        r"TimeoutSeconds must be an integer between 1 and 99999999, not 0",
    ),
    (
        "Resource that is not an ARN",
        lambda: Task("T", resource="my-function"),
        r"State 'T': Resource must be an ARN",
    ),
    (
        "Retry IntervalSeconds below 1",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["X"], interval_seconds=0)]),
        r"Retry\[0\]: IntervalSeconds must be an integer between 1 and 99999999, not 0",
    ),
    (
        "Retry BackoffRate below 1",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["X"], backoff_rate=0.5)]),
        r"Retry\[0\]: BackoffRate must be a number >= 1\.0, not 0\.5",
    ),
    (
        "Retry negative MaxAttempts",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["X"], max_attempts=-1)]),
        r"Retry\[0\]: MaxAttempts must be an integer between 0 and 99999999",
    ),
    (
        "Retry MaxDelaySeconds zero",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["X"], max_delay_seconds=0)]),
        r"Retry\[0\]: MaxDelaySeconds must be an integer between 1 and 31622400",
    ),
    (
        "Retry unknown JitterStrategy",
        lambda: Task("T", resource=ACTIVITY, retry=[Retry(["X"], jitter_strategy="HALF")]),  # type: ignore[arg-type]
        r"Retry\[0\]: JitterStrategy must be one of FULL, NONE, not 'HALF'",
    ),
    (
        "Catch ResultPath that is not a reference path",
        lambda: Task("T", resource=ACTIVITY, catch=[Catch(["X"], Fail("F"), result_path="err")]),
        r"State 'T': Catch\[0\]: ResultPath: 'err' is not a path",
    ),
    (
        "comparison with a value of the wrong type",
        lambda: Choice("C").when(Condition.numeric_equals("$.n", "1"), Succeed("S")),  # type: ignore[arg-type]
        r"State 'C': Choices\[0\]: NumericEquals must be a number, not '1'",
    ),
    (
        "comparison on something that is not a path",
        lambda: Choice("C").when(Condition.string_equals("status", "x"), Succeed("S")),
        r"State 'C': Choices\[0\]: Variable: 'status' is not a path",
    ),
    (
        "empty And",
        lambda: Choice("C").when(Condition.and_(), Succeed("S")),
        r"State 'C': Choices\[0\]: And must hold a non-empty list of rules",
    ),
    (
        "CSV headers GIVEN but missing",
        lambda: DistributedMap(
            "D",
            item_processor=Pass("I"),
            item_reader=ItemReader.s3_csv("b", "k", header_location="GIVEN"),
        ),
        r"State 'D': ItemReader\.ReaderConfig: CSVHeaderLocation GIVEN needs CSVHeaders",
    ),
    (
        "MaxItems zero",
        lambda: DistributedMap(
            "D", item_processor=Pass("I"), item_reader=ItemReader.s3_json("b", "k", max_items=0)
        ),
        r"ReaderConfig: MaxItems must be an integer between 1 and 100000000, not 0",
    ),
    (
        "tolerated failure percentage over 100",
        lambda: DistributedMap("D", item_processor=Pass("I"), tolerated_failure_percentage=150),
        r"State 'D': ToleratedFailurePercentage must be a number from 0 to 100, not 150",
    ),
    (
        "negative tolerated failure count",
        lambda: DistributedMap("D", item_processor=Pass("I"), tolerated_failure_count=-1),
        r"State 'D': ToleratedFailureCount must be an integer >= 0, not -1",
    ),
    (
        "batch bytes over 256 KiB",
        lambda: DistributedMap(
            "D",
            item_processor=Pass("I"),
            item_batcher=ItemBatcher(max_input_bytes_per_batch=300_000),
        ),
        r"ItemBatcher: MaxInputBytesPerBatch must be an integer between 1 and 262144",
    ),
    (
        "dynamic function name that is not a path",
        lambda: LambdaInvoke("L", function_name=jp("fn")),
        r"State 'L': Parameters: field 'FunctionName\.\$': 'fn' must be a path",
    ),
]


@pytest.mark.parametrize(
    ("builder", "pattern"),
    [pytest.param(builder, pattern, id=name) for name, builder, pattern in BUILDER_PROBLEMS],
)
def test_compile_reports_the_problem(builder: Callable[[], State | Chain], pattern: str) -> None:
    # GIVEN a builder graph with one mistake
    machine = StateMachine(builder())
    # WHEN it compiles THEN the error names the problem and how to fix it
    with pytest.raises(DefinitionError, match=pattern) as raised:
        machine.compile()
    assert any(re.search(pattern, problem) for problem in raised.value.problems)


def test_compile_reports_every_problem_at_once() -> None:
    # GIVEN a machine with many unrelated mistakes
    machine = StateMachine(
        Pass("Start", input_path="start")
        .next(Map("No processor", max_concurrency=-5))
        .next(Task("Retry badly", resource=ACTIVITY, retry=[Retry(["States.ALL", "X"])]))
        .next(Choice("Empty choice")),
    )
    # WHEN it compiles
    with pytest.raises(DefinitionError) as raised:
        machine.compile()
    # THEN every problem is listed in one exception, with what to do next
    problems = raised.value.problems
    expected = [
        r"State 'Start': InputPath: 'start' is not a path",
        r"State 'No processor': a Map state needs an ItemProcessor",
        r"State 'No processor': MaxConcurrency must be an integer >= 0",
        r"State 'Retry badly': Retry\[0\]: States\.ALL must appear alone",
        r"State 'Empty choice': a Choice state needs at least one rule",
        r"no state ends the run",
    ]
    for pattern in expected:
        assert any(re.search(pattern, problem) for problem in problems), pattern
    assert len(problems) == len(expected)
    message = str(raised.value)
    assert message.startswith(f"The state machine definition has {len(expected)} problems; fix")
    assert isinstance(raised.value, ValueError)


def test_the_same_state_object_in_two_chains_is_one_state() -> None:
    shared = Pass("Shared")
    route = (
        Choice("Route")
        .when(Condition.is_null("$.a"), Pass("A").next(shared))
        .when(Condition.is_null("$.b"), Pass("B").next(shared).next(Succeed("End")))
    )
    asl = StateMachine(route).compile()
    assert asl["States"]["Shared"] == {"Type": "Pass", "Next": "End"}


def test_an_equal_rebuilt_state_counts_as_the_same_state() -> None:
    route = Choice("Route").when(Condition.is_null("$.a"), Pass("P")).otherwise(Pass("P"))
    assert StateMachine(route).compile()["States"]["P"] == {"Type": "Pass", "End": True}


def test_zero_max_concurrency_means_no_limit_and_is_valid() -> None:
    asl = StateMachine(Map("M", item_processor=Pass("I"), max_concurrency=0)).compile()
    assert asl["States"]["M"]["MaxConcurrency"] == 0


def test_a_catch_handler_can_loop_back_with_state_ref() -> None:
    work = Task(
        "Work",
        resource=ACTIVITY,
        catch=[Catch(["States.Timeout"], Wait("Back off", seconds=10).next(StateRef("Work")))],
    )
    asl = StateMachine(work.next(Succeed("Done"))).compile()
    assert asl["States"]["Back off"]["Next"] == "Work"


def test_state_ref_does_not_render_alone() -> None:
    with pytest.raises(DefinitionError, match="there is no state named 'Ghost'"):
        StateMachine(StateRef("Ghost")).compile()
