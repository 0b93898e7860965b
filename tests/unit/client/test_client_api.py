"""The shape of the client API: sync/async parity, exports, settings, the error tree, parsing."""

from __future__ import annotations

import ast
import inspect
import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

import thera_sdk
from thera_sdk import (
    USE_CLIENT_DEFAULT,
    AsyncClient,
    Client,
    ConfigurationError,
    PrivateStartupRecord,
    Request,
    RequestError,
    RetryPolicy,
    Run,
    RunFailedError,
    Settings,
    Timeouts,
    UnexpectedResponseError,
    UseClientDefault,
    ValidationError,
    _exceptions,
)
from thera_sdk.client._local import LocalTransport
from thera_sdk.client._parse import (
    as_datetime,
    event_from_history,
    record_from_item,
    record_timestamp,
    workflow_of,
)

TESTS = Path(__file__).parents[2]
PAIRED = {"close": "aclose", "__enter__": "__aenter__", "__exit__": "__aexit__"}


def _public(cls: type) -> dict[str, object]:
    return {
        name: member
        for name, member in vars(cls).items()
        if not name.startswith("_") or name in PAIRED or name in PAIRED.values()
    }


def test_async_client_mirrors_every_method_of_client() -> None:
    sync, asynchronous = _public(Client), _public(AsyncClient)
    assert {PAIRED.get(name, name) for name in sync} == set(asynchronous)
    for name, member in sync.items():
        twin = asynchronous[PAIRED.get(name, name)]
        if isinstance(member, classmethod):
            assert isinstance(twin, classmethod)
            continue
        assert callable(member) and callable(twin)
        sync_params = list(inspect.signature(member).parameters)
        async_params = list(inspect.signature(twin).parameters)  # type: ignore[arg-type]
        assert sync_params == async_params, name
        iterates = name in {"list_runs", "query_startups"}
        assert inspect.iscoroutinefunction(twin) == (not iterates), name


@pytest.mark.parametrize(
    ("sync_module", "async_module"),
    [
        ("functional/client/test_client_backends.py",
         "functional/client/test_async_client_backends.py"),
        ("unit/client/test_client_mock.py", "unit/client/test_async_client_mock.py"),
    ],
)  # fmt: skip
def test_sync_and_async_suites_mirror_each_other(sync_module: str, async_module: str) -> None:
    def names(module: str) -> list[str]:
        tree = ast.parse((TESTS / module).read_text())
        return [
            n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name[:5] == "test_"
        ]

    assert names(sync_module) == names(async_module)


def test_all_names_are_exported() -> None:
    for name in thera_sdk.__all__:
        assert getattr(thera_sdk, name) is not None, name
    assert {"Client", "AsyncClient", "MockTransport", "RunNotFoundError"} <= set(thera_sdk.__all__)
    assert sorted(set(thera_sdk.__all__)) == sorted(thera_sdk.__all__)


def test_every_error_is_drawn_in_the_tree() -> None:
    tree = _exceptions.__doc__ or ""
    for name in _exceptions.__all__:
        assert f"── {name}" in tree or name == "TheraError", name
        assert issubclass(getattr(_exceptions, name), _exceptions.TheraError)
    assert issubclass(_exceptions.WaitTimeoutError, TimeoutError)
    assert issubclass(_exceptions.RunNotFoundError, LookupError)


# -- settings ---------------------------------------------------------------------------------
def test_use_client_default_is_one_object() -> None:
    assert UseClientDefault() is USE_CLIENT_DEFAULT
    assert repr(USE_CLIENT_DEFAULT) == "USE_CLIENT_DEFAULT"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Timeouts(read=0), "Timeouts.read must be positive"),
        (lambda: RetryPolicy(max_attempts=0), "use 1 to turn retries off"),
        (lambda: RetryPolicy(base_delay=-1), "zero or positive"),
    ],
)
def test_settings_are_checked(make: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make()  # type: ignore[operator]


def test_retry_policy_retries_request_errors_only_up_to_its_attempts() -> None:
    policy = RetryPolicy(max_attempts=3, base_delay=1.0, max_delay=3.0)
    assert policy.should_retry(RequestError("x"), attempt=2)
    assert not policy.should_retry(RequestError("x"), attempt=3)
    assert not policy.should_retry(ValidationError("x"), attempt=1)
    assert all(0 <= policy.delay(n) <= min(3.0, 2.0**n) for n in range(1, 8))


def test_a_failed_run_raises_with_its_status_error_and_cause() -> None:
    started = datetime(2025, 1, 31, tzinfo=UTC)
    run = Run("arn:x", "r1", "daily", "TIMED_OUT", started, error="States.Timeout")
    with pytest.raises(RunFailedError, match=r"ended TIMED_OUT \(States.Timeout\)") as failure:
        run.raise_for_status()
    assert (failure.value.status, failure.value.run_id) == ("TIMED_OUT", "arn:x")
    running = Run("arn:y", "r2", "daily", "RUNNING", started)
    assert running.raise_for_status() is running and not running.done


# -- parsing ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-31T02:00:00Z", datetime(2025, 1, 31, 2, tzinfo=UTC)),
        ("2025-01-31T02:00:00", datetime(2025, 1, 31, 2, tzinfo=UTC)),
        (1738288800, datetime(2025, 1, 31, 2, tzinfo=UTC)),
        (datetime(2025, 1, 31, 3, tzinfo=timezone(timedelta(hours=1))),
         datetime(2025, 1, 31, 2, tzinfo=UTC)),
        (None, None),
    ],
)  # fmt: skip
def test_timestamps_are_read_from_every_form(value: object, expected: datetime | None) -> None:
    assert as_datetime(value) == expected


def test_a_bad_timestamp_is_an_unexpected_response() -> None:
    with pytest.raises(UnexpectedResponseError, match="ISO 8601"):
        as_datetime("yesterday")


def test_updated_since_becomes_the_publishers_timestamp_format() -> None:
    assert record_timestamp("2025-01-31") == "2025-01-31T00:00:00.000000Z"
    assert record_timestamp(date(2025, 1, 31)) == "2025-01-31T00:00:00.000000Z"
    eastern = datetime(2025, 1, 31, 1, 30, tzinfo=timezone(timedelta(hours=2)))
    assert record_timestamp(eastern) == "2025-01-30T23:30:00.000000Z"


def test_the_workflow_is_the_state_machine_name_without_the_stack() -> None:
    arn = "arn:aws:states:us-east-1:1:stateMachine:thera-prod-weekly-training"
    assert workflow_of(arn, "thera-prod") == "weekly-training"
    assert workflow_of(arn, "other") == "thera-prod-weekly-training"


def test_history_events_expose_state_error_and_cause() -> None:
    event = event_from_history({
        "id": 7, "previousEventId": 6, "type": "TaskFailed",
        "timestamp": "2025-01-31T02:00:00Z",
        "taskFailedEventDetails": {"error": "States.Timeout", "cause": "slow"},
    })  # fmt: skip
    assert (event.id, event.previous_id, event.error, event.cause) == (
        7,
        6,
        "States.Timeout",
        "slow",
    )
    entered = event_from_history({
        "id": 2, "type": "TaskStateEntered", "timestamp": "2025-01-31T02:00:00Z",
        "stateEnteredEventDetails": {"name": "Publish", "input": "{}"},
    })  # fmt: skip
    assert entered.state == "Publish" and entered.details["input"] == "{}"


def test_a_private_record_keeps_unknown_attributes_apart() -> None:
    record = record_from_item(
        {"startup_id": "s1", "employees": "12", "contacts": [{"name": "Ana", "role": "x"}],
         "emails": ["a@b.example"]},
        private=True,
    )  # fmt: skip
    assert isinstance(record, PrivateStartupRecord)
    assert record.employees == 12 and record.contacts[0].name == "Ana"
    assert record.other == {"emails": ["a@b.example"]}
    with pytest.raises(UnexpectedResponseError, match="startup_id"):
        record_from_item({"name": "nameless"})


@pytest.mark.parametrize(
    "module",
    ["thera_sdk.client._options", "thera_sdk.client._transports", "thera_sdk.client._errors",
     "thera_sdk.client._parse", "thera_sdk._runs_local"],
)  # fmt: skip
def test_docstring_examples_hold(module: str) -> None:
    import doctest
    import importlib

    failures, _ = doctest.testmod(importlib.import_module(module))
    assert failures == 0


@pytest.mark.parametrize("client_class", [Client, AsyncClient])
def test_aws_clients_say_what_configuration_is_missing(
    client_class: type[Client] | type[AsyncClient],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "THERA_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigurationError, match="set THERA_REGION"):
        client_class.aws("thera-dev")
    with pytest.raises(ConfigurationError, match="aws configure --profile ghost"):
        client_class.aws("thera-dev", "eu-west-1", profile="ghost")
    with pytest.raises(ConfigurationError, match="THERA_BACKEND"):
        client_class.from_env({"THERA_BACKEND": "azure"})


def test_the_stack_template_has_the_outputs_the_client_reads() -> None:
    from thera_sdk.client._base_client import (
        MACHINE_OUTPUT_SUFFIX,
        MATCHER_OUTPUTS,
        PRIVATE_TABLE_OUTPUTS,
        PUBLIC_TABLE_OUTPUTS,
    )

    template = TESTS.parent / "cloudformation" / "thera.json"
    if not template.exists():
        pytest.skip("cloudformation/thera.json is not rendered yet (thera build)")
    outputs = set(json.loads(template.read_text())["Outputs"])
    for keys in (PUBLIC_TABLE_OUTPUTS, PRIVATE_TABLE_OUTPUTS, MATCHER_OUTPUTS):
        assert keys[0] in outputs
    machines = {key for key in outputs if key.endswith(MACHINE_OUTPUT_SUFFIX)}
    assert {"DailyStateMachineArn", "WeeklyTrainingStateMachineArn"} <= machines


def test_the_local_transport_answers_like_aws(tmp_path: Path) -> None:
    transport = LocalTransport(tmp_path, settings=Settings(home=tmp_path))
    unknown = transport.handle_request(Request("s3", "ListBuckets"))
    assert unknown.error_code == "UnknownOperationException"
    missing = transport.handle_request(Request("stepfunctions", "DescribeExecution"))
    assert missing.error_code == "ValidationException" and "executionArn" in missing.error_message
    arn = "arn:aws:states:us-east-1:123456789012:execution:thera-daily:nope"
    absent = transport.handle_request(
        Request("stepfunctions", "DescribeExecution", {"executionArn": arn})
    )
    assert absent.error_code == "ExecutionDoesNotExist"
    stack = transport.handle_request(
        Request("cloudformation", "DescribeStacks", {"StackName": "thera"})
    )
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.data["Stacks"][0]["Outputs"]}
    assert outputs["WeeklyTrainingStateMachineArn"].endswith(":stateMachine:thera-weekly-training")
    assert outputs["StartupsPublicTableName"] == "thera-dev-startups-public"
    transport.close()
