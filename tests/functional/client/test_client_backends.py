"""Every ``Client`` call against the local backend and against a stack on the moto server.

``test_async_client_backends.py`` mirrors this module test for test: same names, same cases.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import boto3
import pytest
from client_support import CHALLENGE, REGION, Backend, Intercept
from client_workflows import ASL

from thera_sdk import (
    AccessDeniedError,
    Client,
    Match,
    NotFoundError,
    PrivateStartupRecord,
    RecordNotFoundError,
    Request,
    Response,
    RetryPolicy,
    RunAlreadyExistsError,
    RunFailedError,
    RunNotFoundError,
    StackResources,
    StartupRecord,
    TableNotFoundError,
    ThrottledError,
    ValidationError,
    WaitTimeoutError,
    WorkflowNotFoundError,
)
from thera_sdk.client._boto import BotoTransport


def _name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# -- runs -------------------------------------------------------------------------------------
def test_start_run_returns_a_running_run_and_wait_returns_its_output(backend: Backend) -> None:
    with backend.client() as client:
        # WHEN a run starts
        run = client.start_run("double", {"n": 21})
        # THEN it is RUNNING with its input, and waiting gives its output
        assert (run.workflow, run.status, run.input) == ("double", "RUNNING", {"n": 21})
        assert run.run_id.startswith("arn:aws:states:") and run.run_id.endswith(run.name)
        done = client.wait_for_run(run.run_id, timeout=20)
        assert (done.status, done.output, done.input) == ("SUCCEEDED", {"n": 42}, {"n": 21})
        assert done.succeeded and done.stopped_at is not None
        assert done.started_at <= done.stopped_at


def test_get_run_by_id_and_by_name(backend: Backend) -> None:
    with backend.client() as client:
        # GIVEN a finished run with a chosen name
        name = _name("by-name")
        run = client.start_run("double", {"n": 2}, name=name)
        client.wait_for_run(run.run_id, timeout=20)
        # WHEN it is read by id and by name
        by_id, by_name = client.get_run(run.run_id), client.get_run(name)
        # THEN both are the same run, with input and output
        assert by_id == by_name
        assert (by_id.name, by_id.workflow, by_id.output) == (name, "double", {"n": 4})


def test_list_runs_filters_by_workflow_and_status_newest_first(backend: Backend) -> None:
    with backend.client() as client:
        # GIVEN two finished runs of one workflow and a failed one of another
        first = client.wait_for_run(client.start_run("double", {"n": 1}).run_id, timeout=20)
        second = client.wait_for_run(client.start_run("double", {"n": 2}).run_id, timeout=20)
        failed = client.start_run("fails", {"n": 3})
        with pytest.raises(RunFailedError):
            client.wait_for_run(failed.run_id, timeout=20)
        # WHEN runs are listed one per page
        doubles = [run.run_id for run in client.list_runs("double", page_size=1)]
        failures = list(client.list_runs(status="FAILED"))
        everything = list(client.list_runs())
    # THEN each listing holds what it should, newest first, following pages
    assert doubles.index(second.run_id) < doubles.index(first.run_id)
    assert failed.run_id in {run.run_id for run in failures}
    assert {run.status for run in failures} == {"FAILED"}
    assert {first.run_id, second.run_id, failed.run_id} <= {run.run_id for run in everything}
    starts = [run.started_at for run in everything]
    assert starts == sorted(starts, reverse=True)
    assert all(run.input is None for run in everything)  # listings carry no documents


def test_list_runs_rejects_a_bad_status_or_page_size(backend: Backend) -> None:
    with backend.client() as client:
        with pytest.raises(ValidationError, match="not one of RUNNING"):
            client.list_runs(status="DONE")
        with pytest.raises(ValidationError, match="1 to 1000"):
            client.list_runs(page_size=0)


def test_run_history_lists_the_events_in_order(backend: Backend) -> None:
    with backend.client() as client:
        run = client.start_run("fails", {"n": 3})
        with pytest.raises(RunFailedError):
            client.wait_for_run(run.run_id, timeout=20)
        events = client.run_history(run.run_id)
    types = [event.type for event in events]
    assert types[0] == "ExecutionStarted" and types[-1] == "ExecutionFailed"
    assert "FailStateEntered" in types
    assert [event.id for event in events] == sorted(event.id for event in events)
    entered = next(event for event in events if event.type == "PassStateEntered")
    assert entered.state == "Check"
    assert (events[-1].error, events[-1].cause) == ("Thera.BadInput", "n must be even")


def test_wait_for_run_raises_run_failed_error_for_a_failed_run(backend: Backend) -> None:
    with backend.client() as client:
        run = client.start_run("fails", {"n": 3})
        with pytest.raises(RunFailedError, match="ended FAILED") as failure:
            client.wait_for_run(run.run_id, timeout=20)
        assert failure.value.status == "FAILED"
        assert (failure.value.error, failure.value.cause) == ("Thera.BadInput", "n must be even")
        assert failure.value.run_id == run.run_id
        assert client.get_run(run.run_id).status == "FAILED"


def test_stop_run_aborts_a_running_run(backend: Backend) -> None:
    with backend.client() as client:
        run = client.start_run("slow")
        stopped = client.stop_run(run.run_id, error="Thera.Cancelled", cause="not needed")
        assert stopped.status == "ABORTED"
        with pytest.raises(RunFailedError) as failure:
            client.wait_for_run(run.run_id, timeout=20)
        assert failure.value.status == "ABORTED"
        assert client.run_history(run.run_id)[-1].type == "ExecutionAborted"


def test_wait_for_run_times_out_while_the_run_keeps_going(backend: Backend) -> None:
    with backend.client() as client:
        run = client.start_run("slow")
        with pytest.raises(WaitTimeoutError, match="still RUNNING") as timeout:
            client.wait_for_run(run.run_id, timeout=0.2, poll_interval=0.05)
        assert timeout.value.run_id == run.run_id
        assert isinstance(timeout.value, TimeoutError)
        assert client.get_run(run.run_id).status == "RUNNING"
        client.stop_run(run.run_id)


def test_unknown_workflow_and_run_raise_not_found_errors(backend: Backend) -> None:
    with backend.client() as client:
        with pytest.raises(WorkflowNotFoundError, match="'nightly'"):
            client.start_run("nightly", {})
        with pytest.raises(RunNotFoundError):
            client.get_run("never-started")
        arn = client.start_run("double", {"n": 1}).run_id
        with pytest.raises(RunNotFoundError):
            client.get_run(arn.rsplit(":", 1)[0] + ":missing")
        with pytest.raises(RunNotFoundError):
            client.run_history(arn.rsplit(":", 1)[0] + ":missing")


def test_start_run_with_a_taken_name_raises_run_already_exists(backend: Backend) -> None:
    with backend.client() as client:
        name = _name("taken")
        run = client.start_run("double", {"n": 1}, name=name)
        client.wait_for_run(run.run_id, timeout=20)
        with pytest.raises(RunAlreadyExistsError, match="new name"):
            client.start_run("double", {"n": 2}, name=name)


def test_start_run_rejects_a_bad_name_or_input(backend: Backend) -> None:
    with backend.client() as client:
        with pytest.raises(ValidationError):
            client.start_run("double", {"n": 1}, name="no spaces: allowed")
        with pytest.raises(ValidationError, match="JSON-serializable"):
            client.start_run("double", {"n": object()})


def test_throttled_calls_are_retried_then_raised(backend: Backend) -> None:
    with backend.client() as plain:
        run = plain.start_run("double", {"n": 5})
        plain.wait_for_run(run.run_id, timeout=20)
    # GIVEN a service that throttles DescribeExecution twice
    left = [2]

    def twice(request: Request) -> Response | None:
        if left[0] == 0:
            return None
        left[0] -= 1
        return Response.error("ThrottlingException", "Rate exceeded")

    with backend.client(wrap=lambda t: Intercept(t, {"DescribeExecution": twice})) as client:
        # WHEN the run is read: THEN the third attempt gets through
        assert client.get_run(run.run_id).output == {"n": 10}

    # AND a service that always throttles gives a ThrottledError after the last attempt
    def always(request: Request) -> Response:
        return Response.error("ThrottlingException", "slow down")

    with backend.client(
        wrap=lambda t: Intercept(t, {"DescribeExecution": always}),
        retries=RetryPolicy(max_attempts=2, base_delay=0.0),
    ) as client:
        with pytest.raises(ThrottledError, match="retry later"):
            client.get_run(run.run_id)
        assert isinstance(client.transport, Intercept)
        calls = [r for r in client.transport.seen if r.operation == "DescribeExecution"]
        assert len(calls) == 2


# -- redrive ----------------------------------------------------------------------------------
def test_redrive_run_resumes_a_failed_run_from_the_failed_state(
    local_backend: Backend, tmp_path: Path
) -> None:
    gate = tmp_path / "gate"
    gate.touch()
    with local_backend.client() as client:
        # GIVEN a run that failed in its second state
        run = client.start_run("flaky", {"gate": str(gate)})
        with pytest.raises(RunFailedError, match="the gate is closed"):
            client.wait_for_run(run.run_id, timeout=20)
        # WHEN the cause is fixed and the run redriven
        gate.unlink()
        redriven = client.redrive_run(run.run_id)
        assert redriven.redrive_count == 1 and redriven.status in ("RUNNING", "SUCCEEDED")
        done = client.wait_for_run(run.run_id, timeout=20)
        history = [event.type for event in client.run_history(run.run_id)]
    # THEN it succeeds without running its first state again
    assert done.output == {"passed": True, "prepared": True}
    assert done.redrive_count == 1
    assert "ExecutionRedriven" in history
    assert history.count("PassStateEntered") == 1


def test_redrive_run_sends_redrive_execution_and_returns_the_run(aws_backend: Backend) -> None:
    # moto 5.2.5 does not implement RedriveExecution: answer it as AWS does, send the rest on.
    def redrive(request: Request) -> Response:
        return Response({"redriveDate": datetime.now(UTC)})

    with aws_backend.client(wrap=lambda t: Intercept(t, {"RedriveExecution": redrive})) as client:
        run = client.start_run("fails", {"n": 3})
        with pytest.raises(RunFailedError):
            client.wait_for_run(run.run_id, timeout=20)
        again = client.redrive_run(run.run_id)
        assert isinstance(client.transport, Intercept)
        sent = [r for r in client.transport.seen if r.operation == "RedriveExecution"]
    assert again.run_id == run.run_id
    assert sent[0].params["executionArn"] == run.run_id
    assert sent[0].params["clientToken"]


# -- matches ----------------------------------------------------------------------------------
def test_match_returns_typed_matches_best_first(backend: Backend) -> None:
    backend.expect_match()
    with backend.client() as client:
        matches = client.match(CHALLENGE, industry="Fintech", limit=5)
    assert all(isinstance(match, Match) for match in matches)
    assert [match.startup_id for match in matches] == ["s-fraud", "s-ledger"]
    best = matches[0]
    assert best.name == "Acme Risk" and 0 < best.score <= 1
    assert best.reasons and all(isinstance(reason, str) for reason in best.reasons)
    assert matches[0].score >= matches[1].score


def test_match_rejects_bad_input(backend: Backend) -> None:
    with backend.client() as client:
        with pytest.raises(ValidationError, match="non-empty"):
            client.match("   ")
        with pytest.raises(ValidationError, match="1 to 100"):
            client.match(CHALLENGE, limit=0)


# -- records ----------------------------------------------------------------------------------
def test_get_public_and_private_records(backend: Backend) -> None:
    with backend.client() as client:
        public = client.get_public_record("s-fraud")
        private = client.get_private_record("s-fraud")
    assert type(public) is StartupRecord
    assert (public.name, public.industry, public.employees) == ("Acme Risk", "Fintech", 40)
    assert public.keywords == ("fraud detection", "payments")
    assert public.health_score == 92.5 and public.founded_year == 2019
    assert public.updated_at == datetime(2025, 1, 31, tzinfo=UTC)
    assert public.expires_at is not None and public.expires_at > datetime.now(UTC)
    assert isinstance(private, PrivateStartupRecord)
    assert private.contacts[0].email == "ana@acmerisk.example"
    assert private.contacts[0].title == "CEO"
    assert private.other == {"source": "apollo"}
    assert private.name == public.name


def test_missing_record_raises_record_not_found(backend: Backend) -> None:
    with backend.client() as client:
        with pytest.raises(RecordNotFoundError, match="'s-nope'"):
            client.get_public_record("s-nope")
        with pytest.raises(RecordNotFoundError):
            client.get_private_record("s-nope")
    missing = StackResources(
        state_machines={"double": "arn:aws:states:us-east-1:123456789012:stateMachine:x"},
        public_table="no-such-table", private_table="no-such-table", matcher_function="m",
    )  # fmt: skip
    with (
        Client(
            backend.sync_transport(), stack=backend.stack, region=REGION, resources=missing
        ) as client,
        pytest.raises(TableNotFoundError, match="no-such-table"),
    ):
        client.get_public_record("s-fraud")


def test_query_startups_filters_and_pages(backend: Backend) -> None:
    with backend.client() as client:
        every = {r.startup_id for r in client.query_startups(page_size=1)}
        fintech = {r.startup_id for r in client.query_startups(industry="Fintech")}
        german_fintech = [r.name for r in client.query_startups("Fintech", "Germany")]
        recent = {r.startup_id for r in client.query_startups(updated_since=date(2025, 1, 1))}
        later = {
            r.startup_id
            for r in client.query_startups(updated_since=datetime(2025, 2, 1, tzinfo=UTC))
        }
        with pytest.raises(ValidationError, match="ISO 8601"):
            client.query_startups(updated_since="last week")
    assert every == {"s-fraud", "s-ledger", "s-clinic"}
    assert fintech == {"s-fraud", "s-ledger"}
    assert german_fintech == ["Acme Risk"]
    assert recent == {"s-fraud", "s-clinic"}
    assert later == {"s-clinic"}


# -- making clients ---------------------------------------------------------------------------
def test_from_env_builds_the_backends_client(
    backend: Backend, monkeypatch: pytest.MonkeyPatch, moto_endpoint: str
) -> None:
    if backend.name == "aws":
        monkeypatch.setenv("THERA_BACKEND", "aws")
        monkeypatch.setenv("THERA_STACK", backend.stack)
        monkeypatch.setenv("THERA_REGION", REGION)
        monkeypatch.setenv("THERA_ENDPOINT_URL", moto_endpoint)
    with Client.from_env() as client:
        assert client.stack == backend.stack
        assert client.get_public_record("s-clinic").city == "Munich"


def test_resources_fall_back_to_stack_naming_without_outputs(
    aws_backend: Backend, moto_endpoint: str
) -> None:
    # GIVEN state machines named like a stack's, but no CloudFormation stack to read
    stack = f"thera-n{uuid.uuid4().hex[:8]}"
    sfn = boto3.client("stepfunctions", endpoint_url=moto_endpoint, region_name=REGION)
    sfn.create_state_machine(
        name=f"{stack}-daily", definition=json.dumps(ASL["double"]),
        roleArn="arn:aws:iam::123456789012:role/sfn",
    )  # fmt: skip
    with Client.aws(stack, REGION, endpoint_url=moto_endpoint) as client:
        # WHEN a run starts: THEN the caller's account and the stack name give the ARN
        run = client.start_run("daily", {"n": 4})
        assert client.wait_for_run(run.run_id, timeout=20).output == {"n": 8}
        # AND listing every workflow skips those the stack does not have
        assert [r.run_id for r in client.list_runs()] == [run.run_id]
        with pytest.raises(NotFoundError):
            client.get_public_record("s-fraud")  # <stack>-startups-public does not exist


def test_private_record_access_denied_is_translated(
    aws_backend: Backend, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import moto.settings

    # GIVEN credentials of a user whose policy allows no DynamoDB read
    iam = boto3.client("iam", endpoint_url=moto_endpoint, region_name=REGION)
    user = _name("reader")
    iam.create_user(UserName=user)
    iam.put_user_policy(
        UserName=user, PolicyName="no-records",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}),
    )  # fmt: skip
    key = iam.create_access_key(UserName=user)["AccessKey"]
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"],
        region_name=REGION,
    )  # fmt: skip
    resources = StackResources(
        state_machines={"double": "arn:aws:states:us-east-1:123456789012:stateMachine:x"},
        public_table=f"{aws_backend.stack}-startups-public",
        private_table=f"{aws_backend.stack}-startups-private", matcher_function="m",
    )  # fmt: skip
    transport = BotoTransport(session=session, endpoint_url=moto_endpoint)
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)  # moto checks IAM now
    with Client(transport, stack=aws_backend.stack, resources=resources) as client:
        # WHEN they read a private record: THEN the error says what to do
        with pytest.raises(AccessDeniedError, match="may not read private startup records") as e:
            client.get_private_record("s-fraud")
        assert "get_public_record('s-fraud')" in str(e.value)
        assert isinstance(e.value.__cause__, AccessDeniedError)
