"""Throughput of the local engine against moto's Step Functions interpreter, in one run.

Shapes
------
map-pass    a 1,000-item inline Map (MaxConcurrency 50) whose iterations run Pass -> Pass
chain       a chain of 200 Pass states
map-lambda  a 1,000-item inline Map (MaxConcurrency 50) whose iterations run one no-op
            ``arn:aws:states:::lambda:invoke`` Task

Transitions are counted the way AWS bills Standard workflows: one per state entered, including
every state inside every Map iteration (map-pass: 1 Map + 1,000 x 2 = 2,001; chain: 200;
map-lambda: 1 + 1,000 = 1,001). Retries would add one each; these shapes have none.

Only the execution is timed. The definition is parsed beforehand on both sides (LocalEngine
compiles it, moto parses it in CreateStateMachine); for moto the time runs from StartExecution
until DescribeExecution stops saying RUNNING, polled every millisecond.

moto 5.2.5 and Lambda: its interpreter sends ``lambda:invoke`` to moto's own Lambda API. With
Docker that would run the function in a container; here moto is configured with
``{"lambda": {"use_docker": False}}``, where its Lambda backend answers every Invoke with the
request payload without running any code. That is the closest moto gets to a no-op function,
and it is what the map-lambda row measures for moto. LocalEngine calls a Python no-op handler.

Usage: ``python benchmarks/engine.py [--repeat N] [--only SHAPE ...]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from thera_sdk.local import LocalEngine, VirtualClock

ITEMS = 1_000
CHAIN_LENGTH = 200
MAX_CONCURRENCY = 50
ROLE_ARN = "arn:aws:iam::123456789012:role/benchmark"
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
MOTO_DEADLINE_S = 600.0
NOTES = """\
Transitions are counted as AWS bills them: one per state entered, Map iterations included.
moto {moto}; median of {repeat} run(s); only the execution is timed (definitions parsed first).
map-lambda on moto: its Lambda backend without Docker answers Invoke with the request payload
and runs no code, moto's closest stand-in for a no-op function; LocalEngine calls a Python no-op.
ratio = LocalEngine transitions/s divided by moto transitions/s.
"""


@dataclass(frozen=True)
class Shape:
    name: str
    definition: dict[str, Any]
    input: Any
    transitions: int
    description: str


def _inline_map(processor_states: dict[str, Any], start_at: str) -> dict[str, Any]:
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "MaxConcurrency": MAX_CONCURRENCY,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "INLINE"},
                    "StartAt": start_at,
                    "States": processor_states,
                },
                "End": True,
            }
        },
    }


def map_pass() -> Shape:
    definition = _inline_map(
        {"First": {"Type": "Pass", "Next": "Second"}, "Second": {"Type": "Pass", "End": True}},
        "First",
    )
    return Shape(
        "map-pass",
        definition,
        list(range(ITEMS)),
        1 + ITEMS * 2,
        f"{ITEMS}-item Map (MaxConcurrency {MAX_CONCURRENCY}) of Pass -> Pass",
    )


def chain() -> Shape:
    states: dict[str, Any] = {}
    for i in range(CHAIN_LENGTH):
        last = i == CHAIN_LENGTH - 1
        states[f"P{i}"] = {"Type": "Pass", **({"End": True} if last else {"Next": f"P{i + 1}"})}
    definition = {"StartAt": "P0", "States": states}
    return Shape("chain", definition, {"n": 0}, CHAIN_LENGTH, f"{CHAIN_LENGTH}-state Pass chain")


def map_lambda() -> Shape:
    task = {
        "Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke",
        "Parameters": {"FunctionName": "noop", "Payload.$": "$"},
        # Keep only the payload, as AWS recommends: 1,000 full envelopes exceed 256 KiB.
        "OutputPath": "$.Payload",
        "End": True,
    }
    return Shape(
        "map-lambda",
        _inline_map({"Invoke": task}, "Invoke"),
        list(range(ITEMS)),
        1 + ITEMS,
        f"{ITEMS}-item Map (MaxConcurrency {MAX_CONCURRENCY}) of a no-op lambda:invoke Task",
    )


SHAPES: dict[str, Callable[[], Shape]] = {
    "map-pass": map_pass,
    "chain": chain,
    "map-lambda": map_lambda,
}


def _noop(event: Any, context: Any) -> None:
    return None


def time_local(shape: Shape) -> float:
    engine = LocalEngine(functions={"noop": _noop}, clock=VirtualClock())
    engine.compile(shape.definition)  # parsed up front, as CreateStateMachine does for moto
    start = time.perf_counter()
    execution = engine.run(shape.definition, shape.input)
    elapsed = time.perf_counter() - start
    if execution.status != "SUCCEEDED":
        raise RuntimeError(
            f"local {shape.name}: {execution.status} {execution.error} {execution.cause}"
        )
    return elapsed


def time_moto(shape: Shape) -> float:
    import boto3
    from moto import mock_aws

    # One state machine per mock: StartExecution fails in moto once an earlier execution exists.
    with mock_aws(config=MOTO_CONFIG):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        machine_arn = sfn.create_state_machine(
            name=f"bench-{shape.name}", definition=json.dumps(shape.definition), roleArn=ROLE_ARN
        )["stateMachineArn"]
        start = time.perf_counter()
        execution_arn = sfn.start_execution(
            stateMachineArn=machine_arn, input=json.dumps(shape.input)
        )["executionArn"]
        while True:
            described = sfn.describe_execution(executionArn=execution_arn)
            if described["status"] != "RUNNING":
                break
            if time.perf_counter() - start > MOTO_DEADLINE_S:
                raise RuntimeError(
                    f"moto {shape.name}: still RUNNING after {MOTO_DEADLINE_S:.0f} s"
                )
            time.sleep(0.001)
        elapsed = time.perf_counter() - start
    if described["status"] != "SUCCEEDED":
        raise RuntimeError(f"moto {shape.name}: {described['status']} {described.get('error')}")
    return elapsed


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per shape and engine (median is reported)"
    )
    parser.add_argument(
        "--only", nargs="+", choices=sorted(SHAPES), help="shapes to run (default: all)"
    )
    parser.add_argument("--no-moto", action="store_true", help="measure LocalEngine only")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    moto_available = not args.no_moto
    if moto_available:
        try:
            import moto

            moto_version = moto.__version__
        except ImportError:
            moto_available, moto_version = False, "not installed"
    else:
        moto_version = "skipped"

    print(NOTES.format(moto=moto_version, repeat=args.repeat))
    header = (
        f"{'shape':<11} {'transitions':>11} {'local s':>9} {'local tr/s':>11}"
        f" {'moto s':>9} {'moto tr/s':>10} {'ratio':>8}"
    )
    print(header)
    print("-" * len(header))
    for name in args.only or list(SHAPES):
        shape = SHAPES[name]()
        local_s = _median([time_local(shape) for _ in range(args.repeat)])
        local_tps = shape.transitions / local_s
        row = f"{shape.name:<11} {shape.transitions:>11,} {local_s:>9.3f} {local_tps:>11,.0f}"
        if moto_available:
            moto_s = _median([time_moto(shape) for _ in range(args.repeat)])
            moto_tps = shape.transitions / moto_s
            row += f" {moto_s:>9.3f} {moto_tps:>10,.0f} {local_tps / moto_tps:>7.1f}x"
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
