"""``Client``: runs, matches and startup records, from a blocking program.

Every operation is a plan of :mod:`thera_sdk.client._base_client`; this module only drives
plans through a :class:`BaseTransport`, sleeping between retries and polls.
"""

from __future__ import annotations

import heapq
import os
import time
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from thera_sdk._config import Settings
from thera_sdk._exceptions import TheraError
from thera_sdk.client._base_client import BaseClient, Call, Plan
from thera_sdk.client._local import LocalTransport
from thera_sdk.client._local_runner import LOCAL_REGION, LocalWorkflow
from thera_sdk.client._models import Match, PrivateStartupRecord, Run, RunEvent, StartupRecord
from thera_sdk.client._options import (
    DEFAULT_LIMIT,
    DEFAULT_PAGE_SIZE,
    DEFAULT_POLL_INTERVAL,
    DEFAULT_RETRY_POLICY,
    DEFAULT_TIMEOUTS,
    LOCAL_POLL_INTERVAL,
    LOCAL_STACK,
    USE_CLIENT_DEFAULT,
    RetryPolicy,
    StackResources,
    Timeouts,
    UseClientDefault,
)
from thera_sdk.client._transports import BaseTransport

__all__ = ["Client"]

T = TypeVar("T")


class Client(BaseClient):
    """Thera from a Python program: start and follow workflow runs, match challenges to
    startups, read startup records, on AWS or on this machine.

    Make one with :meth:`local`, :meth:`aws` or :meth:`from_env` (or give a transport, e.g.
    a :class:`~thera_sdk.MockTransport` in tests), use it as a context manager or call
    :meth:`close`. A client is safe to share between threads.

    Parameters
    ----------
    transport
        Sends the client's AWS calls: ``BotoTransport`` (AWS), ``LocalTransport`` or
        :class:`~thera_sdk.MockTransport`.
    stack
        The stack name; its CloudFormation outputs name the state machines, tables and the
        matcher function, and its state machines are called ``<stack>-<workflow>``.
    region
        The region (builds state machine ARNs when the stack's outputs cannot be read).
    resources
        Names that need no lookup (see :class:`~thera_sdk.StackResources`).
    timeouts, retries
        See :class:`~thera_sdk.Timeouts` and :class:`~thera_sdk.RetryPolicy`.
    poll_interval
        Seconds between status reads in :meth:`wait_for_run`.

    Examples
    --------
    >>> from thera_sdk import Client
    >>> with Client.aws(stack="thera-dev", region="eu-west-1") as client:  # doctest: +SKIP
    ...     for match in client.match("card-not-present fraud", industry="Fintech", limit=5):
    ...         print(match.name, round(match.score, 2))
    """

    def __init__(
        self,
        transport: BaseTransport,
        *,
        stack: str,
        region: str = LOCAL_REGION,
        resources: StackResources | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: RetryPolicy = DEFAULT_RETRY_POLICY,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> None:
        super().__init__(
            stack=stack,
            region=region,
            resources=resources,
            timeouts=timeouts,
            retries=retries,
            poll_interval=poll_interval,
        )
        self.transport = transport

    # -- making a client -----------------------------------------------------------------------
    @classmethod
    def local(
        cls,
        home: str | Path | None = None,
        *,
        workflows: Mapping[str, LocalWorkflow] | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: RetryPolicy = DEFAULT_RETRY_POLICY,
        poll_interval: float = LOCAL_POLL_INTERVAL,
    ) -> Client:
        """A client of the local backend: runs on the in-process engine, data in ``home``.

        Runs execute on background threads of this process and are recorded in
        ``home/runs.sqlite3``, where any process sees them (see :mod:`thera_sdk._runs_local`
        for what a local run can and cannot do). A ``home`` given here also becomes this
        process's ``THERA_HOME``, where the task handlers of ``daily`` and ``weekly-training``
        find their data.

        Parameters
        ----------
        home
            The data home (default: ``THERA_HOME``, else ``./.thera``).
        workflows
            More workflows by name, next to ``daily`` and ``weekly-training``: the hook for
            tests and experiments (:class:`~thera_sdk.LocalWorkflow`).

        Examples
        --------
        >>> client = Client.local(".thera")  # doctest: +SKIP
        >>> run = client.start_run("daily", {"web": False})  # doctest: +SKIP
        >>> client.wait_for_run(run.run_id).status  # doctest: +SKIP
        'SUCCEEDED'
        """
        if home is not None:
            os.environ["THERA_HOME"] = str(home)  # one data home for the client and its tasks
        return cls(
            LocalTransport(home, workflows=workflows),
            stack=LOCAL_STACK,
            region=LOCAL_REGION,
            timeouts=timeouts,
            retries=retries,
            poll_interval=poll_interval,
        )

    @classmethod
    def aws(
        cls,
        stack: str,
        region: str | None = None,
        profile: str | None = None,
        *,
        endpoint_url: str | None = None,
        resources: StackResources | None = None,
        session: Any = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retries: RetryPolicy = DEFAULT_RETRY_POLICY,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
    ) -> Client:
        """A client of a deployed stack.

        Parameters
        ----------
        stack
            The stack name (``thera-<env>``).
        region, profile
            AWS region and named profile (default: boto3's lookup: ``AWS_REGION``,
            ``AWS_PROFILE``, the config files, the instance role).
        endpoint_url
            One endpoint for every service (default: ``THERA_ENDPOINT_URL`` when set).
        resources
            Names to use instead of the stack's outputs.
        session
            A ``boto3.Session`` to use.

        Examples
        --------
        >>> client = Client.aws(stack="thera-dev", region="us-east-1")  # doctest: +SKIP
        >>> client.get_public_record("s-fraud").name  # doctest: +SKIP
        'Acme Risk'
        """
        from thera_sdk.client._boto import BotoTransport

        transport = BotoTransport(
            region=region,
            profile=profile,
            endpoint_url=endpoint_url or os.environ.get("THERA_ENDPOINT_URL") or None,
            session=session,
            timeouts=timeouts,
        )
        return cls(
            transport,
            stack=stack,
            region=transport.region,
            resources=resources,
            timeouts=timeouts,
            retries=retries,
            poll_interval=poll_interval,
        )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Client:
        """The client the ``THERA_*`` variables describe (see :class:`~thera_sdk.Settings`):
        ``THERA_BACKEND=local`` (the default) or ``aws``, with ``THERA_HOME``, ``THERA_STACK``,
        ``THERA_REGION``, ``THERA_ENDPOINT_URL`` and ``THERA_TABLE_STARTUPS__PUBLIC``/
        ``__PRIVATE``.

        Examples
        --------
        >>> client = Client.from_env({"THERA_BACKEND": "local", "THERA_HOME": "/tmp/thera"})
        """
        settings = Settings.from_env(environ)
        if settings.backend == "local":
            return cls(
                LocalTransport(settings=settings),
                stack=LOCAL_STACK,
                region=LOCAL_REGION,
                poll_interval=LOCAL_POLL_INTERVAL,
            )
        return cls.aws(
            settings.stack,
            settings.region,
            endpoint_url=settings.endpoint_url,
            resources=StackResources(
                public_table=settings.tables.get("startups-public"),
                private_table=settings.tables.get("startups-private"),
            ),
        )

    # -- driving plans -------------------------------------------------------------------------
    def _send(self, call: Call) -> Mapping[str, Any]:
        attempt = 1
        while True:
            try:
                return self._check(call, self.transport.handle_request(call.request))
            except TheraError as exc:
                if not self.retries.should_retry(exc, attempt=attempt):
                    raise
            time.sleep(self.retries.delay(attempt))
            attempt += 1

    def _drive(self, plan: Plan[T]) -> T:
        try:
            call = next(plan)
            while True:
                try:
                    data = self._send(call)
                except TheraError as exc:
                    call = plan.throw(exc)
                else:
                    call = plan.send(data)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    # -- runs ----------------------------------------------------------------------------------
    def start_run(self, workflow: str, input: Any = None, *, name: str | None = None) -> Run:
        """Start a run of ``workflow`` and return it, ``RUNNING``.

        Parameters
        ----------
        workflow
            The workflow's name: ``"daily"``, ``"weekly-training"``.
        input
            The run's input, any JSON-serializable value (``{}`` when ``None``); on AWS at most
            256 KiB.
        name
            The run's name, unique per workflow (a fresh one by default). Starting the same
            name with the same input while it runs returns that run.

        Raises
        ------
        WorkflowNotFoundError
            No such workflow in the stack.
        RunAlreadyExistsError
            ``name`` is taken by a run with another input, or one that has ended.

        Examples
        --------
        >>> run = client.start_run("daily", {"date": "2025-01-31", "web": False})  # doctest: +SKIP
        >>> run.status  # doctest: +SKIP
        'RUNNING'
        """
        return self._drive(self._plan_start_run(workflow, input, name))

    def get_run(self, run_id: str) -> Run:
        """The run's current state, with its input and output.

        ``run_id`` is ``Run.run_id`` (the execution ARN); a run's name works too, searched in
        every workflow of the stack.

        Raises
        ------
        RunNotFoundError
            No run has this id or name.

        Examples
        --------
        >>> client.get_run(run.run_id).status  # doctest: +SKIP
        'SUCCEEDED'
        """
        return self._drive(self._plan_get_run(run_id))

    def list_runs(
        self,
        workflow: str | None = None,
        status: str | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Run]:
        """Runs, newest first, fetched page by page as the iterator advances.

        Listed runs carry no input or output; :meth:`get_run` gives them.

        Parameters
        ----------
        workflow
            Only this workflow's runs (default: all workflows, merged by start time).
        status
            Only runs in this status: ``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``TIMED_OUT``,
            ``ABORTED`` or ``PENDING_REDRIVE``.
        page_size
            Runs per request, 1 to 1000.

        Examples
        --------
        >>> [run.name for run in client.list_runs("daily", status="FAILED")]  # doctest: +SKIP
        ['2025-01-30']
        """
        self._check_listing(status, page_size)
        return self._list_runs(workflow, status, page_size)

    def _list_runs(self, workflow: str | None, status: str | None, size: int) -> Iterator[Run]:
        machines = self._drive(self._plan_machines(workflow))
        every = workflow is None
        streams = [self._runs_of(machine, status, size, every) for machine in machines]
        if len(streams) == 1:
            yield from streams[0]
        else:
            yield from heapq.merge(*streams, key=lambda run: run.started_at, reverse=True)

    def _runs_of(
        self, machine: str, status: str | None, page_size: int, missing_ok: bool
    ) -> Iterator[Run]:
        token: str | None = None
        while True:
            plan = self._plan_runs_page(machine, status, token, page_size, missing_ok=missing_ok)
            runs, token = self._drive(plan)
            yield from runs
            if token is None:
                return

    def wait_for_run(
        self,
        run_id: str,
        *,
        timeout: float | UseClientDefault | None = USE_CLIENT_DEFAULT,
        poll_interval: float | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> Run:
        """Wait until the run ends; return it when it succeeded.

        Parameters
        ----------
        timeout
            Seconds to wait at most (``None``: no limit; default: ``Timeouts.wait``).
        poll_interval
            Seconds between status reads (default: the client's).

        Raises
        ------
        RunFailedError
            The run ended ``FAILED``, ``TIMED_OUT`` or ``ABORTED`` (with its error and cause).
        WaitTimeoutError
            It was still going at the deadline; it keeps running.

        Examples
        --------
        >>> client.wait_for_run(run.run_id, timeout=600).output  # doctest: +SKIP
        {'published': 120}
        """
        deadline = self._deadline(timeout)
        interval = self._interval(poll_interval)
        while True:
            run = self.get_run(run_id)
            if run.done:
                return run.raise_for_status()
            run_id = run.run_id
            time.sleep(self._still_running(run, deadline, interval))

    def run_history(self, run_id: str) -> list[RunEvent]:
        """Every event of the run so far, oldest first (``GetExecutionHistory``).

        Examples
        --------
        >>> [e.state for e in client.run_history(run.run_id) if e.error]  # doctest: +SKIP
        ['Publish']
        """
        return self._drive(self._plan_history(run_id))

    def stop_run(self, run_id: str, *, error: str | None = None, cause: str | None = None) -> Run:
        """Stop a running run (it ends ``ABORTED``); a run that has ended is left as it is.

        Examples
        --------
        >>> client.stop_run(run.run_id, cause="started by mistake").status  # doctest: +SKIP
        'ABORTED'
        """
        return self._drive(self._plan_stop_run(run_id, error, cause))

    def redrive_run(self, run_id: str) -> Run:
        """Resume a failed, timed-out or aborted run from the state where it stopped.

        On AWS this is ``RedriveExecution`` (within 14 days of the failure). Locally only the
        process that ran the run can redrive it.

        Raises
        ------
        RunNotRedrivableError
            The run is running or succeeded, or cannot be redriven here.

        Examples
        --------
        >>> client.redrive_run(run.run_id).redrive_count  # doctest: +SKIP
        1
        """
        return self._drive(self._plan_redrive_run(run_id))

    # -- matches and records -------------------------------------------------------------------
    def match(
        self,
        text: str,
        industry: str | None = None,
        country: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[Match]:
        """The startups that best fit a challenge, best first, with scores and reasons.

        Parameters
        ----------
        text
            The challenge, in plain words (up to 20,000 characters).
        industry, country
            Keep only startups of this industry or country (exact, ignoring case).
        limit
            How many matches, 1 to 100.

        Raises
        ------
        ValidationError
            Empty or oversized text, or a bad limit.
        NotFoundError
            No matcher index has been built yet (run the daily workflow).

        Examples
        --------
        >>> [m.name for m in client.match("container tracking", limit=3)]  # doctest: +SKIP
        ['Cargo Eye', 'PortPilot', 'Fleetly']
        """
        return self._drive(self._plan_match(text, industry, country, limit))

    def get_public_record(self, startup_id: str) -> StartupRecord:
        """A startup's public record.

        Raises
        ------
        RecordNotFoundError
            No published startup has this id.

        Examples
        --------
        >>> client.get_public_record("s-fraud").domain  # doctest: +SKIP
        'acmerisk.example'
        """
        return self._drive(self._plan_record(startup_id, private=False))

    def get_private_record(self, startup_id: str) -> PrivateStartupRecord:
        """A startup's full record, contacts included.

        Raises
        ------
        AccessDeniedError
            These credentials may not read the private table.
        RecordNotFoundError
            No published startup has this id.

        Examples
        --------
        >>> client.get_private_record("s-fraud").contacts[0].title  # doctest: +SKIP
        'CEO'
        """
        record = self._drive(self._plan_record(startup_id, private=True))
        assert isinstance(record, PrivateStartupRecord)
        return record

    def query_startups(
        self,
        industry: str | None = None,
        country: str | None = None,
        updated_since: datetime | date | str | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[StartupRecord]:
        """Public records matching every filter given, fetched page by page.

        The public table has no index on these attributes, so this reads the table with a
        filtered ``Scan``: cost grows with the table, not with the answer. Filters are exact
        and case-sensitive; ``updated_since`` keeps records updated at or after it (a date
        means its midnight UTC).

        Examples
        --------
        >>> for record in client.query_startups(industry="Fintech",
        ...                                     updated_since="2025-01-01"):  # doctest: +SKIP
        ...     print(record.name)
        """
        params = self._scan_request(industry, country, updated_since, page_size)
        return self._startups(params)

    def _startups(self, params: Mapping[str, Any]) -> Iterator[StartupRecord]:
        start: dict[str, Any] | None = None
        while True:
            records, start = self._drive(self._plan_scan_page(params, start))
            yield from records
            if start is None:
                return

    # -- closing -------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the transport's connections (local runs keep going in their threads)."""
        self.transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
