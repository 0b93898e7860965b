"""Per-state-type checks of a raw ASL state (fields, values, paths); not the graph."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from workflows._paths import path_problem
from workflows._validate_fields import (
    MAX_SECONDS,
    RFC3339,
    Problems,
    check_enum,
    check_exclusive,
    check_int,
    check_path,
    check_reference_path,
    check_retry_catch,
    check_template,
    is_number,
)

_COMMON = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW = frozenset({"Next", "End"})
_IO = frozenset({"InputPath", "OutputPath", "Assign", "Output"})
_RESULT = frozenset({"Parameters", "Arguments", "ResultSelector", "ResultPath", "Retry", "Catch"})

ALLOWED_FIELDS: dict[str, frozenset[str]] = {
    "Task": _COMMON | _FLOW | _IO | _RESULT | {
        "Resource", "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds",
        "HeartbeatSecondsPath", "Credentials",
    },
    "Pass": _COMMON | _FLOW | _IO | {"Parameters", "Result", "ResultPath"},
    "Wait": _COMMON | _FLOW | _IO | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Choice": _COMMON | _IO | {"Choices", "Default"},
    "Succeed": _COMMON | {"InputPath", "OutputPath", "Output"},
    "Fail": _COMMON | {"Error", "Cause", "ErrorPath", "CausePath"},
    "Parallel": _COMMON | _FLOW | _IO | _RESULT | {"Branches"},
    "Map": _COMMON | _FLOW | _IO | _RESULT | {
        "ItemProcessor", "Iterator", "ItemsPath", "Items", "ItemSelector", "ItemReader",
        "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
        "ToleratedFailureCount", "ToleratedFailureCountPath", "Label",
    },
}  # fmt: skip

_JSONATA_ONLY = ("Arguments", "Output", "Items")
_JSONPATH_ONLY = ("InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath")
_DISTRIBUTED_ONLY = (
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "Label",
)
_LAMBDA_INVOKE = re.compile(r"arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$")

_STRING_OPS = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
_VALUE_TYPES: dict[str, Callable[[object], bool]] = {
    **{f"String{op}": lambda v: isinstance(v, str) for op in _STRING_OPS},
    **{f"Timestamp{op}": lambda v: isinstance(v, str) for op in _STRING_OPS},
    **{f"Numeric{op}": is_number for op in _STRING_OPS},
    "StringMatches": lambda v: isinstance(v, str),
    "BooleanEquals": lambda v: isinstance(v, bool),
    **{
        f"Is{kind}": lambda v: isinstance(v, bool)
        for kind in ("Present", "Null", "Numeric", "String", "Boolean", "Timestamp")
    },
}
_PATH_OPS = frozenset(
    f"{kind}{op}Path" for kind in ("String", "Numeric", "Timestamp") for op in _STRING_OPS
) | {"BooleanEqualsPath"}
COMPARISONS = frozenset(_VALUE_TYPES) | _PATH_OPS
_RULE_FIELDS = COMPARISONS | {"Variable", "Next", "And", "Or", "Not", "Comment", "Assign"}


def check_fields(
    kind: str,
    state: Mapping[str, Any],
    where: str,
    problems: Problems,
    *,
    jsonpath: bool,
    language_known: bool = True,
) -> None:
    """Unknown fields, and fields of the other query language (when it is known)."""
    allowed = ALLOWED_FIELDS[kind]
    for field in state:
        if field in ("Next", "End") and field not in allowed:
            problems.append(
                f"{where}: a {kind} state cannot have {field}; "
                + (
                    "its rules and Default choose the next state"
                    if kind == "Choice"
                    else "it always ends the run or branch"
                )
            )
        elif field not in allowed:
            problems.append(f"{where}: field {field!r} is not allowed in a {kind} state; remove it")
        elif jsonpath and field in _JSONATA_ONLY:
            problems.append(
                f"{where}: {field} needs QueryLanguage JSONata; with JSONPath use "
                "Parameters, ItemsPath or ResultSelector/OutputPath instead"
            )
        elif language_known and not jsonpath and field in _JSONPATH_ONLY:
            problems.append(
                f"{where}: {field} is a JSONPath field; with QueryLanguage JSONata use "
                "Arguments and Output instead"
            )


def check_next_end(kind: str, state: Mapping[str, Any], where: str, problems: Problems) -> None:
    """Task, Pass, Wait, Parallel and Map need exactly one of ``Next`` and ``End: true``."""
    if kind not in ("Task", "Pass", "Wait", "Parallel", "Map"):
        return
    has_next = "Next" in state
    end = state.get("End", False)
    if not isinstance(end, bool):
        problems.append(f"{where}: End must be true (or left out), not {end!r}")
    elif has_next and end:
        problems.append(f"{where}: has both Next and End; keep Next to continue or End to stop")
    elif not has_next and not end:
        problems.append(f"{where}: has neither Next nor End: true; add one of them")
    if has_next and (not isinstance(state["Next"], str) or not state["Next"]):
        problems.append(f"{where}: Next must be the name of a state")


def check_io(kind: str, state: Mapping[str, Any], where: str, problems: Problems) -> None:
    """Input and output processing fields of a JSONPath state."""
    check_path(state, "InputPath", where, problems, nullable=True)
    check_path(state, "OutputPath", where, problems, nullable=True)
    check_template(state, "Parameters", where, problems, object_only=False)
    check_template(state, "ResultSelector", where, problems)
    check_template(state, "Assign", where, problems)
    check_reference_path(state, "ResultPath", where, problems, nullable=True, writable=True)


def check_task(state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool) -> None:
    """Resource, timeouts and heartbeats; a Lambda invoke's FunctionName."""
    resource = state.get("Resource")
    if not isinstance(resource, str) or not (resource.startswith("arn:") or "${" in resource):
        problems.append(f"{where}: Resource must be an ARN (arn:aws:...), not {resource!r}")
    for field in ("TimeoutSeconds", "HeartbeatSeconds"):
        check_exclusive(state, (field, f"{field}Path"), where, problems)
        if jsonpath or is_number(state.get(field)):
            check_int(state, field, where, problems, minimum=1, maximum=MAX_SECONDS)
        if jsonpath:
            check_reference_path(state, f"{field}Path", where, problems)
    timeout, heartbeat = state.get("TimeoutSeconds"), state.get("HeartbeatSeconds")
    if (
        isinstance(timeout, int | float)
        and isinstance(heartbeat, int | float)
        and heartbeat >= timeout
    ):
        problems.append(f"{where}: HeartbeatSeconds must be smaller than TimeoutSeconds")
    parameters = state.get("Parameters")
    if jsonpath and isinstance(resource, str) and _LAMBDA_INVOKE.match(resource):
        names = parameters.keys() if isinstance(parameters, Mapping) else ()
        if "FunctionName" not in names and "FunctionName.$" not in names:
            problems.append(f"{where}: a lambda:invoke Task needs Parameters.FunctionName")


def check_wait(state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool) -> None:
    """Exactly one of Seconds, SecondsPath, Timestamp and TimestampPath."""
    fields = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
    present = [field for field in fields if field in state]
    if len(present) != 1:
        problems.append(
            f"{where}: a Wait state needs exactly one of Seconds, SecondsPath, Timestamp "
            f"or TimestampPath (found {len(present)})"
        )
    if not jsonpath:
        return
    check_int(state, "Seconds", where, problems, minimum=0, maximum=MAX_SECONDS)
    timestamp = state.get("Timestamp")
    if "Timestamp" in state and not (isinstance(timestamp, str) and RFC3339.match(timestamp)):
        problems.append(
            f"{where}: Timestamp must be an RFC 3339 time such as '2025-01-31T09:00:00Z', "
            f"not {timestamp!r}"
        )
    check_reference_path(state, "SecondsPath", where, problems)
    check_reference_path(state, "TimestampPath", where, problems)


def check_fail(state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool) -> None:
    """Error/ErrorPath and Cause/CausePath, one of each pair at most."""
    for field in ("Error", "Cause"):
        check_exclusive(state, (field, f"{field}Path"), where, problems)
        if jsonpath and field in state and not isinstance(state[field], str):
            problems.append(f"{where}: {field} must be a string")
        if jsonpath:
            check_path(state, f"{field}Path", where, problems)


def check_choice(
    state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool
) -> None:
    """At least one rule; each rule well formed (JSONPath rules checked in depth)."""
    rules = state.get("Choices")
    if not isinstance(rules, list) or not rules:
        problems.append(
            f"{where}: a Choice state needs at least one rule; add one with .when(condition, next)"
        )
        return
    if "Default" in state and (not isinstance(state["Default"], str) or not state["Default"]):
        problems.append(f"{where}: Default must be the name of a state")
    for index, rule in enumerate(rules):
        label = f"{where}: Choices[{index}]"
        if not isinstance(rule, Mapping):
            problems.append(f"{label} must be an object")
            continue
        if not isinstance(rule.get("Next"), str) or not rule.get("Next"):
            problems.append(f"{label}: needs Next, the state to go to when the rule matches")
        if jsonpath:
            check_rule(rule, label, problems, top=True)
        elif "Condition" not in rule:
            problems.append(f"{label}: a JSONata rule needs a Condition")


def check_rule(rule: Mapping[str, Any], label: str, problems: Problems, *, top: bool) -> None:
    """One JSONPath Choice rule, nested rules included."""
    for key in rule:
        if key not in _RULE_FIELDS:
            problems.append(f"{label}: field {key!r} is not allowed in a Choice rule; remove it")
    if not top and "Next" in rule:
        problems.append(f"{label}: a nested rule (inside And, Or or Not) cannot have Next")
    if top:
        check_template(rule, "Assign", label, problems)
    operators = [key for key in rule if key in COMPARISONS or key in ("And", "Or", "Not")]
    if len(operators) != 1:
        found = ", ".join(operators) or "none"
        problems.append(
            f"{label}: a rule needs exactly one comparison (such as StringEquals or IsPresent) "
            f"or one of And, Or, Not; found {found}"
        )
        return
    operator = operators[0]
    value = rule[operator]
    if operator in ("And", "Or"):
        _check_logic(rule, operator, label, problems)
    elif operator == "Not":
        if "Variable" in rule:
            problems.append(f"{label}: Not cannot have a Variable; put it in the inner rule")
        if isinstance(value, Mapping):
            check_rule(value, f"{label}.Not", problems, top=False)
        else:
            problems.append(f"{label}: Not must hold one rule object")
    else:
        _check_comparison(rule, operator, value, label, problems)


def _check_logic(rule: Mapping[str, Any], operator: str, label: str, problems: Problems) -> None:
    value = rule[operator]
    if "Variable" in rule:
        problems.append(f"{label}: {operator} cannot have a Variable; put it in the inner rules")
    if not isinstance(value, list) or not value:
        problems.append(f"{label}: {operator} must hold a non-empty list of rules")
        return
    for index, inner in enumerate(value):
        if isinstance(inner, Mapping):
            check_rule(inner, f"{label}.{operator}[{index}]", problems, top=False)
        else:
            problems.append(f"{label}.{operator}[{index}] must be a rule object")


def _check_comparison(
    rule: Mapping[str, Any], operator: str, value: object, label: str, problems: Problems
) -> None:
    variable = rule.get("Variable")
    if variable is None:
        problems.append(f"{label}: {operator} needs a Variable, the path to test")
    else:
        problem = path_problem(variable)
        if problem:
            problems.append(f"{label}: Variable: {problem}")
    if operator in _PATH_OPS:
        problem = path_problem(value)
        if problem:
            problems.append(f"{label}: {operator}: {problem}")
    elif not _VALUE_TYPES[operator](value):
        expected = (
            "a number" if operator.startswith("Numeric")
            else "true or false" if operator.startswith(("Boolean", "Is"))
            else "a string"
        )  # fmt: skip
        problems.append(f"{label}: {operator} must be {expected}, not {value!r}")


def check_map(state: Mapping[str, Any], where: str, problems: Problems, *, jsonpath: bool) -> None:
    """Map fields: processor, items, concurrency, tolerance, reader, batcher, writer."""
    processor_fields = [field for field in ("ItemProcessor", "Iterator") if field in state]
    if not processor_fields:
        problems.append(
            f"{where}: a Map state needs an ItemProcessor, the states run for each item "
            "(item_processor= in the builder)"
        )
    elif len(processor_fields) == 2:
        problems.append(f"{where}: has both ItemProcessor and Iterator; keep ItemProcessor")
    if not distributed(state):
        for field in _DISTRIBUTED_ONLY:
            if field in state:
                problems.append(
                    f"{where}: {field} needs a Distributed Map; set ItemProcessor."
                    "ProcessorConfig.Mode to DISTRIBUTED or remove it"
                )
    check_processor_config(state, where, problems)
    check_exclusive(state, ("Parameters", "ItemSelector"), where, problems)
    check_exclusive(state, ("MaxConcurrency", "MaxConcurrencyPath"), where, problems)
    check_exclusive(state, ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
                    where, problems)  # fmt: skip
    check_exclusive(state, ("ToleratedFailureCount", "ToleratedFailureCountPath"), where, problems)
    if not jsonpath:
        return
    if "ItemsPath" in state and state["ItemsPath"] is None:
        problems.append(f"{where}: ItemsPath cannot be null; leave it out to use the whole input")
    else:
        check_reference_path(state, "ItemsPath", where, problems)
    check_template(state, "ItemSelector", where, problems)
    if "MaxConcurrency" in state and not (
        is_number(state["MaxConcurrency"])
        and float(state["MaxConcurrency"]).is_integer()
        and state["MaxConcurrency"] >= 0
    ):
        problems.append(
            f"{where}: MaxConcurrency must be an integer >= 0 (0 means no limit), "
            f"not {state['MaxConcurrency']!r}"
        )
    percentage = state.get("ToleratedFailurePercentage", 0)
    if not is_number(percentage) or not 0 <= percentage <= 100:
        problems.append(
            f"{where}: ToleratedFailurePercentage must be a number from 0 to 100, "
            f"not {percentage!r}"
        )
    check_int(state, "ToleratedFailureCount", where, problems, minimum=0)
    for field in ("MaxConcurrencyPath", "ToleratedFailurePercentagePath",
                  "ToleratedFailureCountPath"):  # fmt: skip
        check_reference_path(state, field, where, problems)
    _check_reader(state, where, problems)
    _check_batcher(state, where, problems)
    _check_writer(state, where, problems)


def distributed(state: Mapping[str, Any]) -> bool:
    """Whether a Map state runs in DISTRIBUTED mode."""
    processor = state.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, Mapping) else None
    return isinstance(config, Mapping) and config.get("Mode") == "DISTRIBUTED"


def check_processor_config(state: Mapping[str, Any], where: str, problems: Problems) -> None:
    """Mode INLINE or DISTRIBUTED; a distributed processor names its ExecutionType."""
    processor = state.get("ItemProcessor")
    if not isinstance(processor, Mapping) or "ProcessorConfig" not in processor:
        return
    config = processor["ProcessorConfig"]
    label = f"{where}: ItemProcessor.ProcessorConfig"
    if not isinstance(config, Mapping):
        problems.append(f"{label} must be an object")
        return
    check_enum(config, "Mode", ("INLINE", "DISTRIBUTED"), label, problems)
    if config.get("Mode") == "DISTRIBUTED":
        if "ExecutionType" not in config:
            problems.append(
                f"{label}: a DISTRIBUTED processor needs ExecutionType STANDARD or EXPRESS"
            )
        check_enum(config, "ExecutionType", ("STANDARD", "EXPRESS"), label, problems)


def _section(
    state: Mapping[str, Any], field: str, where: str, problems: Problems
) -> Mapping[str, Any]:
    value = state.get(field, {})
    if not isinstance(value, Mapping):
        problems.append(f"{where}: {field} must be an object")
        return {}
    return value


def _check_reader(state: Mapping[str, Any], where: str, problems: Problems) -> None:
    reader = _section(state, "ItemReader", where, problems)
    if not reader:
        return
    label = f"{where}: ItemReader"
    if not isinstance(reader.get("Resource"), str):
        problems.append(f"{label}: needs a Resource such as arn:aws:states:::s3:getObject")
    check_template(reader, "Parameters", label, problems)
    config = _section(reader, "ReaderConfig", label, problems)
    label = f"{label}.ReaderConfig"
    check_enum(
        config, "InputType", ("CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"), label, problems
    )
    check_enum(config, "CSVHeaderLocation", ("FIRST_ROW", "GIVEN"), label, problems)
    headers = config.get("CSVHeaders")
    if config.get("CSVHeaderLocation") == "GIVEN" and not (
        isinstance(headers, list) and headers and all(isinstance(h, str) for h in headers)
    ):
        problems.append(
            f"{label}: CSVHeaderLocation GIVEN needs CSVHeaders, a list of column names"
        )
    check_exclusive(config, ("MaxItems", "MaxItemsPath"), label, problems)
    check_int(config, "MaxItems", label, problems, minimum=1, maximum=100_000_000)
    check_reference_path(config, "MaxItemsPath", label, problems)


def _check_batcher(state: Mapping[str, Any], where: str, problems: Problems) -> None:
    batcher = _section(state, "ItemBatcher", where, problems)
    label = f"{where}: ItemBatcher"
    for field in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        check_exclusive(batcher, (field, f"{field}Path"), label, problems)
        check_reference_path(batcher, f"{field}Path", label, problems)
    check_int(batcher, "MaxItemsPerBatch", label, problems, minimum=1)
    check_int(batcher, "MaxInputBytesPerBatch", label, problems, minimum=1, maximum=262_144)
    check_template(batcher, "BatchInput", label, problems)


def _check_writer(state: Mapping[str, Any], where: str, problems: Problems) -> None:
    writer = _section(state, "ResultWriter", where, problems)
    label = f"{where}: ResultWriter"
    check_template(writer, "Parameters", label, problems)
    config = _section(writer, "WriterConfig", label, problems)
    check_enum(config, "Transformation", ("NONE", "COMPACT", "FLATTEN"), label, problems)
    check_enum(config, "OutputType", ("JSON", "JSONL"), label, problems)


def check_state_fields(
    kind: str,
    state: Mapping[str, Any],
    where: str,
    problems: Problems,
    *,
    jsonpath: bool,
    language_known: bool = True,
) -> None:
    """Every field check of one state of a known ``kind``.

    ``jsonpath`` False means JSONata or unknown: structure only, no path checks.
    """
    check_fields(kind, state, where, problems, jsonpath=jsonpath, language_known=language_known)
    check_next_end(kind, state, where, problems)
    if jsonpath:
        check_io(kind, state, where, problems)
    check_retry_catch(state, where, problems, jsonpath=jsonpath)
    checks: dict[str, Callable[..., None]] = {
        "Task": check_task,
        "Wait": check_wait,
        "Fail": check_fail,
        "Choice": check_choice,
        "Map": check_map,
    }
    if kind in checks:
        checks[kind](state, where, problems, jsonpath=jsonpath)
