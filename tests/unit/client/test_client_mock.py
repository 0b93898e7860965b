"""``Client`` over a ``MockTransport``: how an application tests its use of Thera without AWS,
and how the client turns answers and errors into results and exceptions.

``test_async_client_mock.py`` mirrors this module test for test.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from thera_sdk import (
    AccessDeniedError,
    Client,
    FunctionFailedError,
    MockTransport,
    NotFoundError,
    Request,
    RequestError,
    Response,
    RetryPolicy,
    RunNotFoundError,
    StackResources,
    TheraError,
    ThrottledError,
    UnexpectedResponseError,
    ValidationError,
    WorkflowNotFoundError,
)

STACK = "thera-dev"
MACHINE = "arn:aws:states:eu-west-1:111122223333:stateMachine:thera-dev-daily"
RUN = "arn:aws:states:eu-west-1:111122223333:execution:thera-dev-daily:2025-01-31"
RESOURCES = StackResources(
    state_machines={"daily": MACHINE},
    public_table="thera-dev-startups-public",
    private_table="thera-dev-startups-private",
    matcher_function="thera-dev-matcher",
)
NO_RETRIES = RetryPolicy(max_attempts=1)


def described(status: str = "SUCCEEDED", **extra: Any) -> dict[str, Any]:
    return {
        "executionArn": RUN, "stateMachineArn": MACHINE, "name": "2025-01-31",
        "status": status, "startDate": "2025-01-31T02:00:00+00:00", "input": '{"web": false}',
        **extra,
    }  # fmt: skip


def client_of(
    handler: Callable[[Request], Any],
    *,
    resources: StackResources | None = RESOURCES,
    retries: RetryPolicy = NO_RETRIES,
) -> Client:
    return Client(
        MockTransport(handler), stack=STACK, region="eu-west-1", resources=resources,
        retries=retries, poll_interval=0.01,
    )  # fmt: skip


# -- how an application tests its code ------------------------------------------------------
def failed_runs_report(client: Client) -> list[str]:
    """Application code under test: one line per failed daily run."""
    return [f"{run.name}: {run.error}" for run in client.list_runs("daily", status="FAILED")]


def test_an_application_tests_its_use_of_the_client_with_a_mock_transport() -> None:
    # GIVEN a handler that answers like Step Functions, page by page
    sent: list[Request] = []

    def handler(request: Request) -> Mapping[str, Any]:
        sent.append(request)
        assert request.operation == "ListExecutions"
        if request.params.get("nextToken") is None:
            first = {
                "executionArn": RUN,
                "stateMachineArn": MACHINE,
                "name": "2025-01-31",
                "status": "FAILED",
                "startDate": datetime(2025, 1, 31, tzinfo=UTC),
            }
            return {"executions": [first], "nextToken": "page-2"}  # fmt: skip
        return {"executions": []}

    # WHEN the application code runs with a client over it
    report = failed_runs_report(client_of(handler))
    # THEN it saw the runs, and the client asked for what the application meant
    assert report == ["2025-01-31: None"]
    assert [r.params.get("statusFilter") for r in sent] == ["FAILED", "FAILED"]
    assert sent[0].params["stateMachineArn"] == MACHINE
    assert sent[1].params["nextToken"] == "page-2"


def test_a_handler_sees_each_request_and_can_answer_an_error() -> None:
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response.error("ExecutionDoesNotExist", "Execution Does Not Exist: 'x'")

    with pytest.raises(RunNotFoundError, match="check the id"):
        client_of(handler).get_run(RUN)
    assert seen == [Request("stepfunctions", "DescribeExecution", {"executionArn": RUN})]


# -- resources --------------------------------------------------------------------------------
def test_resources_come_from_the_stack_outputs() -> None:
    outputs = {
        "DailyStateMachineArn": MACHINE,
        "WeeklyTrainingStateMachineArn": MACHINE.replace("daily", "weekly-training"),
        "StartupsPublicTableName": "pub", "StartupsPrivateTableName": "priv",
        "MatcherFunctionArn": "arn:aws:lambda:eu-west-1:111122223333:function:m",
    }  # fmt: skip
    sent: list[Request] = []

    def handler(request: Request) -> Mapping[str, Any]:
        sent.append(request)
        if request.operation == "DescribeStacks":
            entries = [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()]
            return {"Stacks": [{"StackName": STACK, "Outputs": entries}]}
        return {"executionArn": RUN, "startDate": "2025-01-31T02:00:00Z"}

    client = client_of(handler, resources=None)
    client.start_run("weekly-training", {})
    client.start_run("daily", {})
    assert [r.operation for r in sent] == ["DescribeStacks", "StartExecution", "StartExecution"]
    assert sent[1].params["stateMachineArn"].endswith(":thera-dev-weekly-training")
    with pytest.raises(WorkflowNotFoundError, match="workflows: daily, weekly-training"):
        client.start_run("nightly")


def test_without_a_stack_the_state_machines_follow_the_stack_naming() -> None:
    def handler(request: Request) -> Response | Mapping[str, Any]:
        if request.operation == "DescribeStacks":
            return Response.error("ValidationError", f"Stack with id {STACK} does not exist")
        if request.operation == "GetCallerIdentity":
            return {"Account": "999988887777"}
        return {"executionArn": "arn:x", "startDate": "2025-01-31T02:00:00Z"}

    client = client_of(handler, resources=StackResources(public_table="mine"))
    run = client.start_run("daily", {})
    arn = "arn:aws:states:eu-west-1:999988887777:stateMachine:thera-dev-daily"
    assert run.state_machine_arn == arn


def test_a_run_name_is_looked_up_in_every_workflow() -> None:
    tried: list[str] = []

    def handler(request: Request) -> Response | Mapping[str, Any]:
        tried.append(request.params["executionArn"])
        return described()

    run = client_of(handler).get_run("2025-01-31")
    assert tried == [RUN] and run.workflow == "daily"
    assert run.input == {"web": False}


# -- results ----------------------------------------------------------------------------------
def test_match_reads_the_matcher_payload() -> None:
    answer = {"results": [{"startup_id": "s1", "name": "Acme", "score": 0.9, "similarity": 0.4,
                           "reasons": ["industry Fintech matches"]}],
              "index_version": "v1", "model_version": "default", "candidates": 1}  # fmt: skip
    sent: list[Request] = []

    def handler(request: Request) -> Mapping[str, Any]:
        sent.append(request)
        return {"StatusCode": 200, "Payload": json.dumps(answer).encode()}

    matches = client_of(handler).match("card fraud", industry="Fintech", limit=3)
    assert [(m.startup_id, m.reasons) for m in matches] == [("s1", ("industry Fintech matches",))]
    assert sent[0].params["FunctionName"] == "thera-dev-matcher"
    assert json.loads(sent[0].params["Payload"]) == {
        "text": "card fraud", "industry": "Fintech", "country": None, "limit": 3,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("error_type", "expected", "message"),
    [
        ("ValidationError", ValidationError, "text is empty"),
        ("IndexNotFoundError", NotFoundError, "run it first"),
        ("MemoryError", FunctionFailedError, "failed with MemoryError"),
    ],
)
def test_a_function_error_of_the_matcher_is_translated(
    error_type: str, expected: type[TheraError], message: str
) -> None:
    def handler(request: Request) -> Mapping[str, Any]:
        payload = {"errorType": error_type, "errorMessage": "text is empty"}
        return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": json.dumps(payload)}

    with pytest.raises(expected, match=message):
        client_of(handler).match("x")


def test_an_answer_of_the_wrong_shape_says_which_field_is_missing() -> None:
    with pytest.raises(UnexpectedResponseError, match=r"DescribeExecution.*'status'"):
        client_of(lambda request: {"executionArn": RUN, "stateMachineArn": MACHINE}).get_run(RUN)
    with pytest.raises(UnexpectedResponseError, match="not JSON"):
        client_of(lambda request: {"Payload": b"<html>"}).match("x")
    with pytest.raises(TypeError, match="return a Response or a dict"):
        client_of(lambda request: 42).get_run(RUN)


def test_a_coroutine_handler_needs_the_async_client() -> None:
    async def handler(request: Request) -> Mapping[str, Any]:
        return described()

    with pytest.raises(TypeError, match="use it with AsyncClient"):
        client_of(handler).get_run(RUN)


# -- errors and retries -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("AccessDeniedException", 400, AccessDeniedError),
        ("403", 403, AccessDeniedError),
        ("ThrottlingException", 400, ThrottledError),
        ("InternalServerError", 500, RequestError),
        ("InvalidArn", 400, ValidationError),
        ("SomethingNew", 400, TheraError),
    ],
)
def test_service_errors_become_the_most_specific_thera_error(
    code: str, status: int, expected: type[TheraError]
) -> None:
    with pytest.raises(expected) as raised:
        client_of(lambda request: Response.error(code, "nope", status)).get_run(RUN)
    assert type(raised.value) is expected


def test_access_denied_on_the_private_table_says_what_to_do() -> None:
    def handler(request: Request) -> Response:
        return Response.error("AccessDeniedException", "not authorized to perform GetItem")

    client = client_of(handler)
    with pytest.raises(AccessDeniedError, match=r"get_public_record\('s1'\)"):
        client.get_private_record("s1")
    with pytest.raises(AccessDeniedError, match="check the credentials"):
        client.get_public_record("s1")


def test_retryable_errors_are_retried_with_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr("thera_sdk.client._client.time.sleep", slept.append)
    answers = [Response.error("ThrottlingException", "", 400), Response.error("Boom", "", 503)]

    def handler(request: Request) -> Response | Mapping[str, Any]:
        return answers.pop(0) if answers else described()

    retries = RetryPolicy(max_attempts=3, base_delay=0.5, max_delay=0.75)
    assert client_of(handler, retries=retries).get_run(RUN).status == "SUCCEEDED"
    assert len(slept) == 2 and 0 <= slept[0] <= 0.5 and 0 <= slept[1] <= 0.75


def test_errors_that_retrying_cannot_fix_are_raised_at_once() -> None:
    calls: list[Request] = []

    def handler(request: Request) -> Response:
        calls.append(request)
        return Response.error("ExecutionDoesNotExist")

    with pytest.raises(RunNotFoundError):
        client_of(handler, retries=RetryPolicy(max_attempts=5)).get_run(RUN)
    assert len(calls) == 1


def test_wait_for_run_polls_until_the_run_ends() -> None:
    statuses = ["RUNNING", "RUNNING", "SUCCEEDED"]

    def handler(request: Request) -> Mapping[str, Any]:
        status = statuses.pop(0)
        return described(status, **({"output": '{"published": 3}'} if status != "RUNNING" else {}))

    run = client_of(handler).wait_for_run(RUN, timeout=None)
    assert (run.status, run.output, statuses) == ("SUCCEEDED", {"published": 3}, [])
