"""``validate_definition`` on raw ASL: every rule, and no false alarm on valid AWS forms."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from workflows import DefinitionError, check_definition, validate_definition

Definition = dict[str, Any]
ACTIVITY = "arn:aws:states:us-east-1:123456789012:activity:work"


def machine(**states: Any) -> Definition:
    """A definition starting at the first state given."""
    return {"StartAt": next(iter(states)), "States": states}


def end(kind: str = "Pass", **fields: Any) -> dict[str, Any]:
    """A state of ``kind`` that ends the run."""
    return {"Type": kind, **fields, "End": True}


def task(**fields: Any) -> dict[str, Any]:
    return end("Task", Resource=ACTIVITY, **fields)


def choice(*rules: Any, **fields: Any) -> Definition:
    return machine(
        C={"Type": "Choice", "Choices": list(rules), **fields},
        Yes={"Type": "Succeed"},
    )


def inline_map(**fields: Any) -> dict[str, Any]:
    processor = {"StartAt": "I", "States": {"I": end()}}
    return end("Map", ItemProcessor=processor, **fields)


def distributed_map(**fields: Any) -> dict[str, Any]:
    processor = {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "I",
        "States": {"I": end()},
    }
    return end("Map", ItemProcessor=processor, **fields)


def reader(**config: Any) -> dict[str, Any]:
    return {
        "Resource": "arn:aws:states:::s3:getObject",
        "ReaderConfig": config,
        "Parameters": {"Bucket": "b", "Key": "k"},
    }


IS_NULL = {"Variable": "$.x", "IsNull": True}


def with_next(rule: dict[str, Any]) -> dict[str, Any]:
    return {**rule, "Next": "Yes"}


# Definitions AWS accepts; none of them may produce a problem.
VALID: list[tuple[str, Any]] = [
    ("minimal", machine(A=end())),
    ("json text", json.dumps(machine(A={"Type": "Succeed"}))),
    (
        "top-level fields",
        {
            **machine(A=end()),
            "Comment": "c",
            "Version": "1.0",
            "TimeoutSeconds": 0,
            "QueryLanguage": "JSONPath",
        },
    ),
    (
        "legacy Map Iterator and Parameters",
        machine(
            M=end(
                "Map",
                ItemsPath="$.items",
                Parameters={"v.$": "$$.Map.Item.Value"},
                MaxConcurrency=0,
                Iterator={"StartAt": "I", "States": {"I": end()}},
            )
        ),
    ),
    (
        "plain Lambda ARN",
        machine(F=end("Task", Resource="arn:aws:lambda:us-east-1:123456789012:function:f:1")),
    ),
    (
        "lambda:invoke with dynamic FunctionName",
        machine(
            F=end(
                "Task",
                Resource="arn:aws:states:::lambda:invoke.waitForTaskToken",
                Parameters={"FunctionName.$": "$.fn", "Payload": {"token.$": "$$.Task.Token"}},
            )
        ),
    ),
    ("substitution placeholder Resource", machine(F=end("Task", Resource="${CheckFunctionArn}"))),
    (
        "intrinsic functions",
        machine(
            P=end(
                "Pass",
                Parameters={
                    "a.$": "States.Format('{} and {}', $.x, States.JsonToString($.y))",
                    "b.$": "States.Array(1, -2.5, 'it\\'s, (fine)', true, null, $$.Execution.Id)",
                    "c.$": "States.ArrayGetItem($.list[?(@.n > 1)], 0)",
                    "d.$": "States.UUID()",
                    "e.$": "States.MathAdd($count, 1)",
                    "nested": [{"f.$": "States.StringSplit($.csv, ',')"}],
                },
            )
        ),
    ),
    (
        "context, variable and filter paths",
        machine(
            P={
                "Type": "Pass",
                "InputPath": "$$.Execution.Input",
                "OutputPath": "$.a[?(@.b == 'x')]",
                "Parameters": {"v.$": "$var.field[0]", "all.$": "$"},
                "Next": "M",
            },
            M=inline_map(
                ItemsPath="$$.Execution.Input.items", ItemSelector={"i.$": "$$.Map.Item.Index"}
            ),
        ),
    ),
    (
        "Assign everywhere",
        {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": ACTIVITY,
                    "Assign": {"x.$": "$.x", "y": {"z.$": "$.z"}},
                    "Catch": [
                        {"ErrorEquals": ["States.ALL"], "Next": "C", "Assign": {"err.$": "$.Error"}}
                    ],
                    "Next": "C",
                },
                "C": {
                    "Type": "Choice",
                    "Assign": {"c": 1},
                    "Choices": [
                        {
                            "Variable": "$x",
                            "IsPresent": True,
                            "Next": "W",
                            "Assign": {"k": 2},
                            "Comment": "rule",
                        }
                    ],
                    "Default": "W",
                },
                "W": {"Type": "Wait", "Seconds": 0, "Assign": {"w": True}, "End": True},
            },
        },
    ),
    ("null paths", machine(P=end("Pass", InputPath=None, OutputPath=None, ResultPath=None))),
    (
        "Succeed with I/O paths",
        machine(S={"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$.b"}),
    ),
    (
        "Fail with paths and intrinsic",
        machine(F={"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('x {}', $.c)"}),
    ),
    (
        "every Choice rule form",
        choice(
            with_next({"And": [IS_NULL, {"Or": [IS_NULL, {"Not": IS_NULL, "Comment": "n"}]}]}),
            with_next(
                {"Variable": "$.t", "TimestampGreaterThanEqualsPath": "$$.State.EnteredTime"}
            ),
            with_next({"Variable": "$.s", "StringMatches": "log-*.txt"}),
            with_next({"Variable": "$.n", "NumericLessThan": 1.5}),
            Default="Yes",
        ),
    ),
    (
        "Retry and Catch options",
        machine(
            T=task(
                Retry=[
                    {
                        "ErrorEquals": ["Lambda.Unknown"],
                        "IntervalSeconds": 1,
                        "MaxAttempts": 0,
                        "BackoffRate": 1.0,
                        "MaxDelaySeconds": 5,
                        "JitterStrategy": "FULL",
                    },
                    {"ErrorEquals": ["States.ALL"]},
                ],
                Catch=[
                    {"ErrorEquals": ["States.TaskFailed"], "Next": "T", "ResultPath": None},
                    {"ErrorEquals": ["States.ALL"], "Next": "T", "ResultPath": "$.error"},
                ],
                TimeoutSecondsPath="$.t",
                HeartbeatSeconds=10,
                Credentials={"RoleArn": "arn:aws:iam::1:role/r"},
            )
        ),
    ),
    (
        "Wait forms",
        machine(
            A={"Type": "Wait", "Timestamp": "2025-01-31T09:00:00.5+01:00", "Next": "B"},
            B={"Type": "Wait", "SecondsPath": "$.s", "Next": "C"},
            C={"Type": "Wait", "TimestampPath": "$$.Execution.Input.at", "End": True},
        ),
    ),
    (
        "distributed Map",
        machine(
            D=distributed_map(
                ItemReader=reader(
                    InputType="CSV", CSVHeaderLocation="GIVEN", CSVHeaders=["a"], MaxItems=1
                ),
                ItemBatcher={
                    "MaxItemsPerBatch": 10,
                    "MaxInputBytesPerBatchPath": "$.b",
                    "BatchInput": {"r.$": "$.r"},
                },
                ResultWriter={
                    "Resource": "arn:aws:states:::s3:putObject",
                    "Parameters": {"Bucket": "b", "Prefix": "p"},
                    "WriterConfig": {"Transformation": "FLATTEN", "OutputType": "JSON"},
                },
                ToleratedFailurePercentage=12.5,
                ToleratedFailureCountPath="$.n",
                Label="run",
                MaxConcurrencyPath="$.c",
            )
        ),
    ),
    ("Parquet reader", machine(D=distributed_map(ItemReader=reader(InputType="PARQUET")))),
    (
        "loop with End elsewhere",
        machine(
            W={"Type": "Wait", "Seconds": 1, "Next": "C"},
            C={
                "Type": "Choice",
                "Choices": [with_next(IS_NULL) | {"Next": "W"}],
                "Default": "Done",
            },
            Done={"Type": "Succeed"},
        ),
    ),
    (
        "JSONata machine",
        {
            "QueryLanguage": "JSONata",
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "f", "Payload": "{% $states.input %}"},
                    "Output": "{% $states.result.Payload %}",
                    "TimeoutSeconds": "{% $t %}",
                    "Assign": {"x": "{% $states.input.x %}"},
                    "Catch": [
                        {
                            "ErrorEquals": ["States.ALL"],
                            "Next": "F",
                            "Output": "{% $states.errorOutput %}",
                        }
                    ],
                    "Next": "C",
                },
                "C": {
                    "Type": "Choice",
                    "Choices": [{"Condition": "{% $x > 1 %}", "Next": "M"}],
                    "Default": "W",
                },
                "W": {"Type": "Wait", "Seconds": "{% $x %}", "Next": "M"},
                "M": {
                    "Type": "Map",
                    "Items": "{% $states.input.items %}",
                    "MaxConcurrency": "{% $c %}",
                    "ItemProcessor": {
                        "StartAt": "I",
                        "States": {"I": {"Type": "Pass", "End": True}},
                    },
                    "Next": "Done",
                },
                "Done": {"Type": "Succeed", "Output": {"ok": True}},
                "F": {"Type": "Fail", "Error": "{% 'E' %}", "Cause": "{% 'c' %}"},
            },
        },
    ),
    (
        "JSONata Map in a JSONPath machine, children in either language",
        machine(
            M=end(
                "Map",
                QueryLanguage="JSONata",
                Items="{% $states.input.items %}",
                ItemProcessor={
                    "StartAt": "A",
                    "States": {
                        "A": {"Type": "Pass", "Output": "{% $states.input %}", "Next": "B"},
                        "B": {"Type": "Pass", "InputPath": "$.x", "End": True},
                    },
                },
            )
        ),
    ),
    (
        "one JSONata state in a JSONPath machine",
        machine(
            P={
                "Type": "Pass",
                "QueryLanguage": "JSONata",
                "Output": {"a": "{% $states.input.a %}"},
                "End": True,
            }
        ),
    ),
]


@pytest.mark.parametrize(("definition"), [pytest.param(d, id=i) for i, d in VALID])
def test_valid_definitions_have_no_problem(definition: Any) -> None:
    assert validate_definition(definition) == []
    check_definition(definition)


# (id, definition, pattern of the expected problem)
INVALID: list[tuple[str, Any, str]] = [
    # Shape of the document
    ("not an object", [1], r"must be a JSON object with StartAt and States"),
    ("not JSON", "{nope", r"not valid JSON"),
    (
        "unknown top-level field",
        {**machine(A=end()), "Start": "A"},
        r"field 'Start' is not allowed here; remove it",
    ),
    (
        "bad QueryLanguage",
        {**machine(A=end()), "QueryLanguage": "XPath"},
        r"QueryLanguage must be JSONPath or JSONata, not 'XPath'",
    ),
    (
        "negative TimeoutSeconds",
        {**machine(A=end()), "TimeoutSeconds": -1},
        r"The state machine: TimeoutSeconds must be an integer between 0 and 99999999",
    ),
    ("missing StartAt", {"States": {"A": end()}}, r"StartAt must name the first state"),
    (
        "unknown StartAt",
        {"StartAt": "B", "States": {"A": end()}},
        r"StartAt: there is no state named 'B'",
    ),
    ("empty States", {"StartAt": "A", "States": {}}, r"States must be a non-empty object"),
    ("state not an object", machine(A=[]), r"State 'A': must be an object with a Type"),
    ("unknown Type", machine(A={"Type": "Sleep"}), r"State 'A': Type must be one of Task, Pass"),
    (
        "unknown field",
        machine(A=end(Retries=1)),
        r"State 'A': field 'Retries' is not allowed in a Pass state; remove it",
    ),
    (
        "ResultSelector on Pass",
        machine(A=end(ResultSelector={})),
        r"field 'ResultSelector' is not allowed in a Pass state",
    ),
    (
        "bad state QueryLanguage",
        machine(A=end(QueryLanguage="SQL")),
        r"State 'A': QueryLanguage must be JSONPath or JSONata",
    ),
    # Names and transitions
    ("empty name", machine(**{"": end()}), r"State '': a state name cannot be empty"),
    ("name over 80 characters", machine(**{"N" * 81: end()}), r"AWS allows at most 80"),
    (
        "duplicate across branches",
        machine(
            P=end(
                "Parallel",
                Branches=[
                    {"StartAt": "X", "States": {"X": end()}},
                    {"StartAt": "X", "States": {"X": end()}},
                ],
            )
        ),
        r"State 'X' is defined twice \(Parallel 'P' branch 1 and Parallel 'P' branch 2\)",
    ),
    (
        "Next and End",
        machine(A={"Type": "Pass", "Next": "A", "End": True}),
        r"State 'A': has both Next and End",
    ),
    (
        "neither Next nor End",
        machine(A={"Type": "Wait", "Seconds": 1}),
        r"State 'A': has neither Next nor End: true",
    ),
    (
        "End not a boolean",
        machine(A={"Type": "Pass", "End": "yes"}),
        r"State 'A': End must be true \(or left out\)",
    ),
    (
        "empty Next",
        machine(A={"Type": "Pass", "Next": ""}),
        r"State 'A': Next must be the name of a state",
    ),
    (
        "terminal Choice",
        choice(with_next(IS_NULL), End=True),
        r"State 'C': a Choice state cannot have End; its rules and Default choose the next state",
    ),
    (
        "Succeed with Next",
        machine(S={"Type": "Succeed", "Next": "S"}),
        r"State 'S': a Succeed state cannot have Next; it always ends the run or branch",
    ),
    (
        "missing Next target",
        machine(A={"Type": "Pass", "Next": "B"}),
        r"State 'A': Next: there is no state named 'B'",
    ),
    (
        "missing Default target",
        choice(with_next(IS_NULL), Default="Nope"),
        r"State 'C': Default: there is no state named 'Nope'",
    ),
    (
        "missing Catch target",
        machine(T=task(Catch=[{"ErrorEquals": ["X"], "Next": "Nope"}])),
        r"State 'T': Catch\[0\]\.Next: there is no state named 'Nope'",
    ),
    (
        "jump into a branch",
        machine(
            A={"Type": "Pass", "Next": "X"},
            P=end("Parallel", Branches=[{"StartAt": "X", "States": {"X": end()}}]),
        ),
        r"State 'A': Next: 'X' is in Parallel 'P' branch 1; "
        r"a state can only go to states of its own level",
    ),
    ("unreachable state", machine(A=end(), B=end()), r"State 'B': is unreachable from StartAt"),
    (
        "no terminal state",
        machine(A={"Type": "Pass", "Next": "A"}),
        r"no state ends the run; give a state End: true",
    ),
    # Paths and templates
    ("InputPath not a path", machine(A=end(InputPath="a")), r"InputPath: 'a' is not a path"),
    (
        "OutputPath unbalanced",
        machine(A=end(OutputPath="$.a[0")),
        r"OutputPath: '\$\.a\[0' has unbalanced",
    ),
    (
        "InputPath bad intrinsic",
        machine(A=end(InputPath="States.Format(")),
        r"InputPath: 'States\.Format\(' is not a valid intrinsic function call",
    ),
    (
        "ResultPath slice",
        machine(A=end(ResultPath="$.a[0:2]")),
        r"ResultPath: .* is not a reference path",
    ),
    (
        "ResultPath into a variable",
        machine(A=task(ResultPath="$v.a")),
        r"ResultPath: '\$v\.a' must point into the state's data",
    ),
    ("ItemsPath null", machine(M=inline_map(ItemsPath=None)), r"ItemsPath cannot be null"),
    (
        "dynamic field not a string",
        machine(A=end(Parameters={"a.$": 1})),
        r"Parameters: field 'a\.\$': 1 must be a string holding a path",
    ),
    (
        "dynamic field not a path",
        machine(A=end(Parameters={"x": {"a.$": "hello"}})),
        r"Parameters\.x: field 'a\.\$': 'hello' must be a path starting with '\$' or an intrinsic",
    ),
    (
        "intrinsic with text after it",
        machine(A=end(Parameters={"a.$": "States.UUID() x"})),
        r"has text after the closing '\)'",
    ),
    (
        "intrinsic with a leading space",
        machine(A=end(Parameters={"a.$": " States.UUID()"})),
        r"' States\.UUID\(\)' must be a path starting with '\$'",
    ),
    (
        "intrinsic unterminated string",
        machine(A=end(Parameters={"a.$": "States.Format('x)"})),
        r"unterminated string",
    ),
    (
        "intrinsic bad argument",
        machine(A=end(Parameters={"a.$": "States.Format(x)"})),
        r"expected a 'string', a number, a path or a function",
    ),
    (
        "intrinsic missing comma",
        machine(A=end(Parameters={"a.$": "States.Array(1 2)"})),
        r"expected ',' or '\)'",
    ),
    (
        "ResultSelector not an object",
        machine(A=task(ResultSelector=[1])),
        r"ResultSelector must be a JSON object, not list",
    ),
    ("Assign not an object", machine(A=end(Assign="x")), r"Assign must be a JSON object"),
    (
        "Arguments in JSONPath",
        machine(A=task(Arguments={})),
        r"State 'A': Arguments needs QueryLanguage JSONata",
    ),
    (
        "Items in JSONPath",
        machine(M=inline_map(Items=[1])),
        r"State 'M': Items needs QueryLanguage JSONata",
    ),
    (
        "InputPath in JSONata",
        {**machine(A=end(InputPath="$")), "QueryLanguage": "JSONata"},
        r"State 'A': InputPath is a JSONPath field; "
        r"with QueryLanguage JSONata use Arguments and Output",
    ),
    # Retry and Catch
    ("Retry not a list", machine(A=task(Retry={})), r"State 'A': Retry must be a list of objects"),
    ("retrier not an object", machine(A=task(Retry=[1])), r"Retry\[0\] must be an object"),
    (
        "unknown retrier field",
        machine(A=task(Retry=[{"ErrorEquals": ["X"], "Interval": 1}])),
        r"Retry\[0\]: field 'Interval' is not allowed here",
    ),
    (
        "ErrorEquals with an empty name",
        machine(A=task(Retry=[{"ErrorEquals": [""]}])),
        r"every ErrorEquals entry must be a non-empty string",
    ),
    (
        "catcher without Next",
        machine(A=task(Catch=[{"ErrorEquals": ["X"]}])),
        r"Catch\[0\]: needs Next, the state to continue at after the error",
    ),
    (
        "Output in a JSONPath catcher",
        machine(A=task(Catch=[{"ErrorEquals": ["X"], "Next": "A", "Output": {}}])),
        r"Catch\[0\]: Output needs QueryLanguage JSONata",
    ),
    ("Catch on Pass", machine(A=end(Catch=[])), r"field 'Catch' is not allowed in a Pass state"),
    # Task
    ("Task without Resource", machine(A=end("Task")), r"State 'A': Resource must be an ARN"),
    (
        "lambda:invoke without FunctionName",
        machine(
            A=end("Task", Resource="arn:aws:states:::lambda:invoke", Parameters={"Payload.$": "$"})
        ),
        r"a lambda:invoke Task needs Parameters\.FunctionName",
    ),
    (
        "HeartbeatSecondsPath filter",
        machine(A=task(HeartbeatSecondsPath="$.h[*]")),
        r"HeartbeatSecondsPath: .* is not a reference path",
    ),
    # Wait
    (
        "negative Seconds",
        machine(A=end("Wait", Seconds=-1)),
        r"Seconds must be an integer between 0",
    ),
    (
        "SecondsPath wildcard",
        machine(A=end("Wait", SecondsPath="$.*")),
        r"SecondsPath: .* is not a reference path",
    ),
    # Fail
    (
        "Cause and CausePath",
        machine(F={"Type": "Fail", "Cause": "c", "CausePath": "$.c"}),
        r"State 'F': has both Cause and CausePath",
    ),
    (
        "Error not a string",
        machine(F={"Type": "Fail", "Error": 1}),
        r"State 'F': Error must be a string",
    ),
    (
        "CausePath not a path",
        machine(F={"Type": "Fail", "CausePath": "c"}),
        r"CausePath: 'c' is not a path",
    ),
    (
        "Fail with InputPath",
        machine(F={"Type": "Fail", "InputPath": "$"}),
        r"field 'InputPath' is not allowed in a Fail state",
    ),
    # Choice
    (
        "Choices missing",
        machine(C={"Type": "Choice", "Default": "D"}, D={"Type": "Succeed"}),
        r"State 'C': a Choice state needs at least one rule",
    ),
    (
        "Default not a name",
        choice(with_next(IS_NULL), Default=1),
        r"State 'C': Default must be the name of a state",
    ),
    ("rule not an object", choice("x"), r"State 'C': Choices\[0\] must be an object"),
    ("rule without Next", choice(IS_NULL), r"Choices\[0\]: needs Next, the state to go to"),
    (
        "unknown rule field",
        choice(with_next({**IS_NULL, "Value": 1})),
        r"Choices\[0\]: field 'Value' is not allowed in a Choice rule",
    ),
    (
        "nested Next",
        choice(with_next({"Not": with_next(IS_NULL)})),
        r"Choices\[0\]\.Not: a nested rule \(inside And, Or or Not\) cannot have Next",
    ),
    (
        "no operator",
        choice(with_next({"Variable": "$.x"})),
        r"a rule needs exactly one comparison .* found none",
    ),
    (
        "two operators",
        choice(with_next({**IS_NULL, "IsString": True})),
        r"a rule needs exactly one comparison .* found IsNull, IsString",
    ),
    (
        "Or not a list",
        choice(with_next({"Or": IS_NULL})),
        r"Or must hold a non-empty list of rules",
    ),
    (
        "And item not an object",
        choice(with_next({"And": [1]})),
        r"Choices\[0\]\.And\[0\] must be a rule object",
    ),
    ("Not not an object", choice(with_next({"Not": [IS_NULL]})), r"Not must hold one rule object"),
    (
        "Variable with And",
        choice(with_next({"Variable": "$.x", "And": [IS_NULL]})),
        r"And cannot have a Variable; put it in the inner rules",
    ),
    (
        "Variable with Not",
        choice(with_next({"Variable": "$.x", "Not": IS_NULL})),
        r"Not cannot have a Variable",
    ),
    (
        "comparison without Variable",
        choice(with_next({"StringEquals": "x"})),
        r"StringEquals needs a Variable, the path to test",
    ),
    (
        "Is test not boolean",
        choice(with_next({"Variable": "$.x", "IsPresent": "yes"})),
        r"IsPresent must be true or false, not 'yes'",
    ),
    (
        "Timestamp not a string",
        choice(with_next({"Variable": "$.x", "TimestampEquals": 1})),
        r"TimestampEquals must be a string, not 1",
    ),
    (
        "Numeric with a boolean",
        choice(with_next({"Variable": "$.x", "NumericEquals": True})),
        r"NumericEquals must be a number, not True",
    ),
    (
        "Path comparison not a path",
        choice(with_next({"Variable": "$.x", "StringEqualsPath": "y"})),
        r"StringEqualsPath: 'y' is not a path",
    ),
    (
        "JSONata rule without Condition",
        {**choice({"Next": "Yes"}), "QueryLanguage": "JSONata"},
        r"Choices\[0\]: a JSONata rule needs a Condition",
    ),
    # Parallel
    (
        "Branches empty",
        machine(P=end("Parallel", Branches=[])),
        r"State 'P': Branches must be a non-empty list",
    ),
    (
        "branch not an object",
        machine(P=end("Parallel", Branches=[1])),
        r"Parallel 'P' branch 1: must be an object with StartAt and States",
    ),
    (
        "branch with unknown field",
        machine(
            P=end(
                "Parallel",
                Branches=[{"StartAt": "X", "States": {"X": end()}, "ProcessorConfig": {}}],
            )
        ),
        r"Parallel 'P' branch 1: field 'ProcessorConfig' is not allowed here",
    ),
    # Map
    (
        "ItemProcessor and Iterator",
        machine(M=inline_map(Iterator={"StartAt": "J", "States": {"J": end()}})),
        r"State 'M': has both ItemProcessor and Iterator; keep ItemProcessor",
    ),
    (
        "processor not an object",
        machine(M=end("Map", ItemProcessor=[])),
        r"Map 'M' item processor: must be an object with StartAt and States",
    ),
    (
        "ItemReader on an inline Map",
        machine(M=inline_map(ItemReader=reader(InputType="JSON"))),
        r"State 'M': ItemReader needs a Distributed Map; set ItemProcessor\.ProcessorConfig\.Mode",
    ),
    (
        "Label on an inline Map",
        machine(M=inline_map(Label="x")),
        r"State 'M': Label needs a Distributed Map",
    ),
    (
        "unknown Mode",
        machine(
            M=end(
                "Map",
                ItemProcessor={
                    "ProcessorConfig": {"Mode": "REMOTE"},
                    "StartAt": "I",
                    "States": {"I": end()},
                },
            )
        ),
        r"ProcessorConfig: Mode must be one of INLINE, DISTRIBUTED, not 'REMOTE'",
    ),
    (
        "DISTRIBUTED without ExecutionType",
        machine(
            M=end(
                "Map",
                ItemProcessor={
                    "ProcessorConfig": {"Mode": "DISTRIBUTED"},
                    "StartAt": "I",
                    "States": {"I": end()},
                },
            )
        ),
        r"a DISTRIBUTED processor needs ExecutionType STANDARD or EXPRESS",
    ),
    (
        "ProcessorConfig not an object",
        machine(
            M=end(
                "Map",
                ItemProcessor={"ProcessorConfig": "INLINE", "StartAt": "I", "States": {"I": end()}},
            )
        ),
        r"ItemProcessor\.ProcessorConfig must be an object",
    ),
    (
        "Parameters and ItemSelector",
        machine(M=inline_map(Parameters={}, ItemSelector={})),
        r"State 'M': has both Parameters and ItemSelector",
    ),
    (
        "fractional MaxConcurrency",
        machine(M=inline_map(MaxConcurrency=1.5)),
        r"MaxConcurrency must be an integer >= 0 \(0 means no limit\), not 1\.5",
    ),
    (
        "MaxConcurrency and Path",
        machine(M=inline_map(MaxConcurrency=1, MaxConcurrencyPath="$.c")),
        r"has both MaxConcurrency and MaxConcurrencyPath",
    ),
    (
        "ItemSelector not an object",
        machine(M=inline_map(ItemSelector="$")),
        r"ItemSelector must be a JSON object",
    ),
    (
        "ItemReader not an object",
        machine(D=distributed_map(ItemReader="s3")),
        r"State 'D': ItemReader must be an object",
    ),
    (
        "ItemReader without Resource",
        machine(D=distributed_map(ItemReader={"Parameters": {}})),
        r"ItemReader: needs a Resource such as arn:aws:states:::s3:getObject",
    ),
    (
        "unknown InputType",
        machine(D=distributed_map(ItemReader=reader(InputType="XML"))),
        r"ReaderConfig: InputType must be one of CSV, JSON, JSONL, MANIFEST, PARQUET, not 'XML'",
    ),
    (
        "unknown CSVHeaderLocation",
        machine(D=distributed_map(ItemReader=reader(InputType="CSV", CSVHeaderLocation="TOP"))),
        r"CSVHeaderLocation must be one of FIRST_ROW, GIVEN",
    ),
    (
        "MaxItems and MaxItemsPath",
        machine(D=distributed_map(ItemReader=reader(MaxItems=1, MaxItemsPath="$.m"))),
        r"ReaderConfig: has both MaxItems and MaxItemsPath",
    ),
    (
        "MaxItemsPerBatch zero",
        machine(D=distributed_map(ItemBatcher={"MaxItemsPerBatch": 0})),
        r"ItemBatcher: MaxItemsPerBatch must be an integer >= 1",
    ),
    (
        "BatchInput not an object",
        machine(D=distributed_map(ItemBatcher={"BatchInput": 1})),
        r"ItemBatcher: BatchInput must be a JSON object",
    ),
    (
        "unknown Transformation",
        machine(D=distributed_map(ResultWriter={"WriterConfig": {"Transformation": "ZIP"}})),
        r"ResultWriter: Transformation must be one of NONE, COMPACT, FLATTEN",
    ),
    (
        "unknown OutputType",
        machine(D=distributed_map(ResultWriter={"WriterConfig": {"OutputType": "CSV"}})),
        r"ResultWriter: OutputType must be one of JSON, JSONL",
    ),
    (
        "tolerance percentage not a number",
        machine(D=distributed_map(ToleratedFailurePercentage="5")),
        r"ToleratedFailurePercentage must be a number from 0 to 100, not '5'",
    ),
    (
        "tolerance count and path",
        machine(D=distributed_map(ToleratedFailureCount=1, ToleratedFailureCountPath="$.n")),
        r"has both ToleratedFailureCount and ToleratedFailureCountPath",
    ),
]


@pytest.mark.parametrize(
    ("definition", "pattern"), [pytest.param(d, p, id=i) for i, d, p in INVALID]
)
def test_each_rule_is_reported(definition: Any, pattern: str) -> None:
    # GIVEN a raw definition breaking one rule
    original = copy.deepcopy(definition)
    # WHEN it is validated THEN the list holds the problem, and checking raises with it
    problems = validate_definition(definition)
    assert any(re.search(pattern, problem) for problem in problems), problems
    with pytest.raises(DefinitionError, match=pattern):
        check_definition(definition)
    assert definition == original  # validation never mutates its input


def test_all_problems_of_a_raw_definition_come_back_together() -> None:
    definition = machine(
        A={"Type": "Pass", "InputPath": "x", "Next": "Missing"},
        B={"Type": "Wait"},
        C={"Type": "Choice", "Choices": []},
    )
    problems = validate_definition(definition)
    for pattern in (
        r"State 'A': InputPath: 'x' is not a path",
        r"State 'B': has neither Next nor End",
        r"State 'B': a Wait state needs exactly one of",
        r"State 'C': a Choice state needs at least one rule",
        r"State 'B': is unreachable",
        r"State 'C': is unreachable",
        r"no state ends the run",
        r"State 'A': Next: there is no state named 'Missing'",
    ):
        assert any(re.search(pattern, p) for p in problems), pattern
    assert len(problems) == 8
