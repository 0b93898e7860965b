"""``AsyncClient``: the asyncio twin of :class:`~thera_sdk.Client`, method for method.

The plans are the sync client's (:mod:`thera_sdk.client._base_client`); this module awaits the
transport instead of blocking on it. Method names pair up: ``start_run``/``await start_run``,
``close``/``aclose``, ``with``/``async with``; iterators become async iterators.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from thera_sdk._config import Settings
from thera_sdk._exceptions import TheraError
from thera_sdk.client._base_client import BaseClient, Call, Plan
from thera_sdk.client._local import AsyncLocalTransport, LocalTransport
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
from thera_sdk.client._transports import AsyncBaseTransport

__all__ = ["AsyncClient"]

T = TypeVar("T")


async def _merge_newest_first(streams: Sequence[AsyncIterator[Run]]) -> AsyncIterator[Run]:
    """Merge iterators of runs, each newest first, into one, newest first."""
    heads: list[tuple[Run, AsyncIterator[Run]]] = []
    for stream in streams:
        first = await anext(stream, None)
        if first is not None:
            heads.append((first, stream))
    while heads:
        index = max(range(len(heads)), key=lambda i: heads[i][0].started_at)
        run, stream = heads[index]
        yield run
        following = await anext(stream, None)
        if following is None:
            heads.pop(index)
        else:
            heads[index] = (following, stream)


class AsyncClient(BaseClient):
    """Thera from asyncio code; every method of :class:`~thera_sdk.Client`, awaited.

    Parameters are those of :class:`~thera_sdk.Client`, with an
    :class:`~thera_sdk.AsyncBaseTransport` (``AioBotoTransport``, ``AsyncLocalTransport`` or
    :class:`~thera_sdk.MockTransport`). Use a client within one event loop: its AWS
    connections belong to the loop that opened them.

    Examples
    --------
    >>> from thera_sdk import AsyncClient
    >>> async def best_match() -> str:  # doctest: +SKIP
    ...     async with AsyncClient.aws(stack="thera-dev", region="eu-west-1") as client:
    ...         return (await client.match("card-not-present fraud"))[0].name
    """

    def __init__(
        self,
        transport: AsyncBaseTransport,
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
    ) -> AsyncClient:
        """The local backend (see :meth:`Client.local`); calls run on worker threads.

        Examples
        --------
        >>> client = AsyncClient.local(".thera")  # doctest: +SKIP
        >>> run = await client.start_run("daily", {"web": False})  # doctest: +SKIP
        """
        if home is not None:
            os.environ["THERA_HOME"] = str(home)  # one data home for the client and its tasks
        return cls(
            AsyncLocalTransport(LocalTransport(home, workflows=workflows)),
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
    ) -> AsyncClient:
        """A deployed stack, through aioboto3 (see :meth:`Client.aws`; ``session`` is an
        ``aioboto3.Session``).

        Examples
        --------
        >>> async with AsyncClient.aws(stack="thera-dev") as client:  # doctest: +SKIP
        ...     record = await client.get_public_record("s-fraud")
        """
        from thera_sdk.client._boto import AioBotoTransport

        transport = AioBotoTransport(
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
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AsyncClient:
        """The client the ``THERA_*`` variables describe (see :meth:`Client.from_env`).

        Examples
        --------
        >>> client = AsyncClient.from_env()  # doctest: +SKIP
        """
        settings = Settings.from_env(environ)
        if settings.backend == "local":
            return cls(
                AsyncLocalTransport(LocalTransport(settings=settings)),
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
    async def _send(self, call: Call) -> Mapping[str, Any]:
        attempt = 1
        while True:
            try:
                response = await self.transport.handle_async_request(call.request)
                return self._check(call, response)
            except TheraError as exc:
                if not self.retries.should_retry(exc, attempt=attempt):
                    raise
            await asyncio.sleep(self.retries.delay(attempt))
            attempt += 1

    async def _drive(self, plan: Plan[T]) -> T:
        try:
            call = next(plan)
            while True:
                try:
                    data = await self._send(call)
                except TheraError as exc:
                    call = plan.throw(exc)
                else:
                    call = plan.send(data)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]

    # -- runs ----------------------------------------------------------------------------------
    async def start_run(self, workflow: str, input: Any = None, *, name: str | None = None) -> Run:
        """Start a run of ``workflow`` (see :meth:`Client.start_run`).

        Examples
        --------
        >>> run = await client.start_run("daily", {"web": False})  # doctest: +SKIP
        """
        return await self._drive(self._plan_start_run(workflow, input, name))

    async def get_run(self, run_id: str) -> Run:
        """The run's current state (see :meth:`Client.get_run`).

        Examples
        --------
        >>> (await client.get_run(run.run_id)).status  # doctest: +SKIP
        'RUNNING'
        """
        return await self._drive(self._plan_get_run(run_id))

    def list_runs(
        self,
        workflow: str | None = None,
        status: str | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Run]:
        """Runs, newest first, fetched page by page (see :meth:`Client.list_runs`).

        Examples
        --------
        >>> async for run in client.list_runs("daily", status="FAILED"):  # doctest: +SKIP
        ...     print(run.name)
        """
        self._check_listing(status, page_size)
        return self._list_runs(workflow, status, page_size)

    async def _list_runs(
        self, workflow: str | None, status: str | None, size: int
    ) -> AsyncIterator[Run]:
        machines = await self._drive(self._plan_machines(workflow))
        every = workflow is None
        streams = [self._runs_of(machine, status, size, every) for machine in machines]
        merged = streams[0] if len(streams) == 1 else _merge_newest_first(streams)
        async for run in merged:
            yield run

    async def _runs_of(
        self, machine: str, status: str | None, page_size: int, missing_ok: bool
    ) -> AsyncIterator[Run]:
        token: str | None = None
        while True:
            plan = self._plan_runs_page(machine, status, token, page_size, missing_ok=missing_ok)
            runs, token = await self._drive(plan)
            for run in runs:
                yield run
            if token is None:
                return

    async def wait_for_run(
        self,
        run_id: str,
        *,
        timeout: float | UseClientDefault | None = USE_CLIENT_DEFAULT,
        poll_interval: float | UseClientDefault = USE_CLIENT_DEFAULT,
    ) -> Run:
        """Wait until the run ends; return it when it succeeded (see
        :meth:`Client.wait_for_run`).

        Examples
        --------
        >>> (await client.wait_for_run(run.run_id, timeout=600)).output  # doctest: +SKIP
        {'published': 120}
        """
        deadline = self._deadline(timeout)
        interval = self._interval(poll_interval)
        while True:
            run = await self.get_run(run_id)
            if run.done:
                return run.raise_for_status()
            run_id = run.run_id
            await asyncio.sleep(self._still_running(run, deadline, interval))

    async def run_history(self, run_id: str) -> list[RunEvent]:
        """Every event of the run so far, oldest first (see :meth:`Client.run_history`).

        Examples
        --------
        >>> events = await client.run_history(run.run_id)  # doctest: +SKIP
        """
        return await self._drive(self._plan_history(run_id))

    async def stop_run(
        self, run_id: str, *, error: str | None = None, cause: str | None = None
    ) -> Run:
        """Stop a running run (see :meth:`Client.stop_run`).

        Examples
        --------
        >>> (await client.stop_run(run.run_id)).status  # doctest: +SKIP
        'ABORTED'
        """
        return await self._drive(self._plan_stop_run(run_id, error, cause))

    async def redrive_run(self, run_id: str) -> Run:
        """Resume a failed run from where it stopped (see :meth:`Client.redrive_run`).

        Examples
        --------
        >>> (await client.redrive_run(run.run_id)).redrive_count  # doctest: +SKIP
        1
        """
        return await self._drive(self._plan_redrive_run(run_id))

    # -- matches and records -------------------------------------------------------------------
    async def match(
        self,
        text: str,
        industry: str | None = None,
        country: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[Match]:
        """The startups that best fit a challenge (see :meth:`Client.match`).

        Examples
        --------
        >>> matches = await client.match("container tracking", limit=3)  # doctest: +SKIP
        """
        return await self._drive(self._plan_match(text, industry, country, limit))

    async def get_public_record(self, startup_id: str) -> StartupRecord:
        """A startup's public record (see :meth:`Client.get_public_record`).

        Examples
        --------
        >>> (await client.get_public_record("s-fraud")).name  # doctest: +SKIP
        'Acme Risk'
        """
        return await self._drive(self._plan_record(startup_id, private=False))

    async def get_private_record(self, startup_id: str) -> PrivateStartupRecord:
        """A startup's full record (see :meth:`Client.get_private_record`).

        Examples
        --------
        >>> (await client.get_private_record("s-fraud")).contacts  # doctest: +SKIP
        """
        record = await self._drive(self._plan_record(startup_id, private=True))
        assert isinstance(record, PrivateStartupRecord)
        return record

    def query_startups(
        self,
        industry: str | None = None,
        country: str | None = None,
        updated_since: datetime | date | str | None = None,
        *,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[StartupRecord]:
        """Public records matching the filters, page by page (see
        :meth:`Client.query_startups`).

        Examples
        --------
        >>> async for record in client.query_startups(country="Germany"):  # doctest: +SKIP
        ...     print(record.name)
        """
        params = self._scan_request(industry, country, updated_since, page_size)
        return self._startups(params)

    async def _startups(self, params: Mapping[str, Any]) -> AsyncIterator[StartupRecord]:
        start: dict[str, Any] | None = None
        while True:
            records, start = await self._drive(self._plan_scan_page(params, start))
            for record in records:
                yield record
            if start is None:
                return

    # -- closing -------------------------------------------------------------------------------
    async def aclose(self) -> None:
        """Close the transport's connections (local runs keep going in their threads)."""
        await self.transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
