"""The Apollo delta pull: page through every slice of the universe, emit new and changed
companies, and stop cleanly when the quota, the deadline or Apollo says so.

A *pass* walks every slice from page 1 to its last page; the cursors remember where each slice
stands, so a pass may take many runs. When every slice is done, the next run starts the next
pass. Workers (threads here; several runs may also overlap) take slices under a lease, fetch a
page (a quota slot is taken first), store it, and only then move the slice's cursor: a run that
stops for any reason leaves every cursor at the first page not yet stored.

Per page, the run writes:

* ``raw/apollo/date=D/<pass>-<slice>-<page>.jsonl.gz``: the response, with where it came from;
* ``bronze/apollo_companies/date=D/<same>.parquet``: the page's new and changed companies;
* ``private/bronze/apollo_contacts/date=D/<same>.parquet``: their phones, emails and people.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from thera_sdk._exceptions import ConditionFailedError, ValidationError
from thera_sdk.sources._apollo import ApolloClient, SearchPage
from thera_sdk.sources._apollo_records import VOLATILE_FIELDS, company_from_apollo
from thera_sdk.sources._exceptions import (
    ApolloAuthError,
    ApolloError,
    ApolloThrottledError,
    QuotaExhaustedError,
)
from thera_sdk.sources._models import (
    Company,
    Contacts,
    companies_table,
    contacts_table,
    content_hash,
)
from thera_sdk.sources._slices import Slice, Universe, split_slice
from thera_sdk.sources._snapshot import Snapshot
from thera_sdk.sources._state import Cursor, CursorStore, ErrorLog, Leases
from thera_sdk.storage import ObjectStore, ParameterStore, TableStore, write_jsonl, write_parquet

__all__ = ["DeltaPuller", "PullLayout", "PullReport"]


@dataclass(frozen=True)
class PullLayout:
    """Where the pull writes: buckets and key prefixes."""

    bucket: str
    private_bucket: str
    raw_prefix: str = "raw/apollo"
    bronze_dataset: str = "bronze/apollo_companies"
    private_dataset: str = "private/bronze/apollo_contacts"

    def keys(self, day: str) -> dict[str, str]:
        """The day's folders, as returned to the workflow."""
        return {
            "raw_prefix": f"{self.raw_prefix}/date={day}/",
            "bronze_prefix": f"{self.bronze_dataset}/date={day}/",
            "private_prefix": f"{self.private_dataset}/date={day}/",
        }


@dataclass
class PullReport:
    """What one run did. ``status`` is ``complete`` (the pass is finished), ``partial`` (some
    slices failed and wait for the next run), ``quota_exhausted``, ``deadline``, ``throttled``
    or ``failed`` (Apollo refused the key)."""

    status: str = "complete"
    pass_number: int = 1
    slices_total: int = 0
    slices_done: int = 0
    slices_split: int = 0
    pages: int = 0
    companies: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: int = 0
    files: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    quota: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


_PRIORITY = {"failed": 4, "throttled": 3, "quota_exhausted": 2, "deadline": 1}


class DeltaPuller:
    """Runs one delta pull over the ports.

    Parameters
    ----------
    client
        The Apollo client (with the shared quota limiter attached).
    objects, tables, parameters
        The storage ports.
    universe
        The companies to pull, as slices.
    layout
        Buckets and prefixes to write to.
    state_table, snapshot_table
        Physical names of the state table (leases, errors, quota) and the snapshot table.
    cursor_prefix
        Parameter path under which slice cursors live (``/thera/dev/apollo/cursors``).
    run_id, day
        The run's id (in leases and raw records) and its partition date ``YYYY-MM-DD``.
    workers
        Slices pulled at the same time.
    lease_ttl
        Seconds a slice lease lasts without renewal (longer than one page takes).
    clock
        Epoch seconds, for deadlines and leases.

    Examples
    --------
    >>> report = DeltaPuller(client, objects=..., tables=..., parameters=...,
    ...                      universe=Universe(locations=("Germany",)), ...).run()  # doctest: +SKIP
    >>> report.status, report.new  # doctest: +SKIP
    ('quota_exhausted', 412)
    """

    def __init__(
        self,
        client: ApolloClient,
        *,
        objects: ObjectStore,
        tables: TableStore,
        parameters: ParameterStore,
        universe: Universe,
        layout: PullLayout,
        state_table: str,
        snapshot_table: str,
        cursor_prefix: str,
        run_id: str,
        day: str,
        workers: int = 4,
        lease_ttl: float = 900.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if workers < 1:
            raise ValidationError(f"workers must be 1 or more, got {workers}.")
        self._client = client
        self._objects = objects
        self._universe = universe
        self._layout = layout
        self._cursors = CursorStore(parameters, cursor_prefix)
        self._leases = Leases(tables, state_table, ttl=lease_ttl, clock=clock)
        self._errors = ErrorLog(tables, state_table, clock=clock)
        self._snapshot = Snapshot(tables, snapshot_table)
        self._run_id = run_id
        self._day = day
        self._workers = workers
        self._lease_ttl = lease_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pending: deque[Slice] = deque()
        self._report = PullReport()
        self._deadline: float | None = None
        self._errored: set[str] = set()

    # -- planning --------------------------------------------------------------------------------
    def _plan(self) -> None:
        leaves: list[tuple[Slice, Cursor | None]] = []
        stack, seen = list(reversed(self._universe.slices())), set()
        while stack:
            piece = stack.pop()
            if piece.id in seen:
                continue
            seen.add(piece.id)
            cursor = self._cursors.load(piece)
            if cursor is not None and cursor.split:
                stack.extend(reversed([Slice.of(f) for f in cursor.split]))
                continue
            leaves.append((piece, cursor))
        current = max((c.pass_number for _, c in leaves if c is not None), default=1)
        if leaves and all(c is not None and c.pass_number == current and c.done for _, c in leaves):
            current += 1  # the previous pass is complete: start the next one
        report = self._report
        report.pass_number = current
        report.slices_total = len(leaves)
        for piece, cursor in leaves:
            if cursor is not None and cursor.pass_number == current and cursor.done:
                report.slices_done += 1
            else:
                self._pending.append(piece)
        self._errored = {e["slice_id"] for e in self._errors.all()}

    def _next_slice(self) -> Slice | None:
        with self._lock:
            return self._pending.popleft() if self._pending else None

    # -- running ---------------------------------------------------------------------------------
    def run(self, *, deadline: float | None = None) -> PullReport:
        """Pull until every slice of the pass is done, or until the run must stop.

        ``deadline`` (same clock as the puller) is when the last page may start.
        """
        self._deadline = deadline
        self._plan()
        failures: list[BaseException] = []
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="apollo") as pool:
            futures = [pool.submit(self._worker, n) for n in range(self._workers)]
            for future in futures:
                error = future.exception()
                if error is not None:
                    failures.append(error)
        if failures:
            raise failures[0]
        report = self._report
        if report.status == "complete" and report.slices_done < report.slices_total:
            report.status = "partial"
        return report

    def _halt(self, reason: str, quota: QuotaExhaustedError | None = None) -> None:
        with self._lock:
            if _PRIORITY.get(reason, 0) > _PRIORITY.get(self._report.status, 0):
                self._report.status = reason
            if quota is not None and self._report.quota is None:
                self._report.quota = {"window": quota.window, "resets_at": quota.resets_at}
        self._stop.set()

    def _worker(self, number: int) -> None:
        owner = f"{self._run_id}/{number}"
        try:
            while not self._stop.is_set():
                piece = self._next_slice()
                if piece is None:
                    return
                if not self._leases.claim(piece.id, owner):
                    continue  # another run holds it; it will move it forward
                try:
                    self._pull(piece, owner)
                finally:
                    self._leases.release(piece.id, owner)
        except BaseException:
            self._halt("failed")
            raise

    def _fail(self, piece: Slice, page: int, error: ApolloError) -> None:
        self._errors.record(piece.id, page, error.reason, str(error), self._run_id)
        with self._lock:
            self._errored.add(piece.id)
            self._report.errors.append(
                {"slice_id": piece.id, "page": page, "reason": error.reason,
                 "message": str(error)[:300]}
            )

    def _pull(self, piece: Slice, owner: str) -> None:
        current = self._report.pass_number
        cursor = self._cursors.load(piece)  # read again: we hold the lease only now
        if cursor is None:
            cursor = Cursor(piece.id, dict(piece.filters), pass_number=current)
        elif cursor.pass_number < current:
            cursor = cursor.restarted(current)
        if cursor.split or cursor.done:
            return
        renewed = self._clock()
        while not self._stop.is_set():
            if self._deadline is not None and self._clock() >= self._deadline:
                self._halt("deadline")
                return
            number = cursor.next_page
            try:
                page = self._client.search_organizations(
                    piece.filters, page=number, per_page=self._universe.per_page,
                    deadline=self._deadline,
                )
            except QuotaExhaustedError as exc:
                self._halt("quota_exhausted", exc)
                return
            except (ApolloThrottledError, ApolloAuthError) as exc:
                self._fail(piece, number, exc)
                self._halt("throttled" if isinstance(exc, ApolloThrottledError) else "failed")
                return
            except ApolloError as exc:  # timeout, malformed, 5xx, rejected: this slice waits
                self._fail(piece, number, exc)
                return
            self._store(piece, cursor.pass_number, page, number)
            try:
                cursor, finished = self._advance(piece, cursor, page, number)
            except ConditionFailedError:
                self._fail(piece, number, ApolloError(
                    f"The cursor of slice {piece.id} was moved by another writer; this worker "
                    "leaves the slice to it."))
                return
            if piece.id in self._errored:
                self._errors.clear(piece.id)
                self._errored.discard(piece.id)
            if finished:
                return
            if self._clock() - renewed > self._lease_ttl / 2:
                if not self._leases.claim(piece.id, owner):
                    return  # our lease lapsed and another worker took the slice
                renewed = self._clock()

    def _advance(
        self, piece: Slice, cursor: Cursor, page: SearchPage, number: int
    ) -> tuple[Cursor, bool]:
        """Move the cursor past a stored page; ``True`` when the slice is finished."""
        universe = self._universe
        if number == 1 and page.total_pages > universe.max_pages:
            children = split_slice(piece)
            if children:
                self._cursors.save(replace(cursor, split=tuple(dict(c.filters) for c in children)))
                with self._lock:
                    self._pending.extend(children)
                    self._report.slices_total += len(children) - 1
                    self._report.slices_split += 1
                return cursor, True
            cursor = replace(cursor, truncated=True)  # cannot cut further: take the 500 pages
        last = min(page.total_pages, universe.max_pages)
        done = number >= last or not page.organizations
        cursor = self._cursors.save(
            replace(cursor, next_page=number + 1, total_pages=page.total_pages, done=done)
        )
        if done:
            with self._lock:
                self._report.slices_done += 1
        return cursor, done

    # -- storing ---------------------------------------------------------------------------------
    def _store(self, piece: Slice, pass_number: int, page: SearchPage, number: int) -> None:
        stem = f"p{pass_number:04d}-{piece.id}-{number:05d}"
        layout, day = self._layout, self._day
        fetched_at = datetime.fromtimestamp(self._clock(), UTC).isoformat()
        write_jsonl(
            self._objects, layout.bucket, f"{layout.raw_prefix}/date={day}/{stem}.jsonl.gz",
            [{"fetched_at": fetched_at, "run_id": self._run_id, "slice_id": piece.id,
              "pass": pass_number, "page": number, "filters": dict(piece.filters),
              "response": page.raw}],
        )
        token = f"{pass_number}:{piece.id}:{number}"
        delta: list[tuple[Company, Contacts, str, str]] = []
        skipped = unchanged = 0
        for org in page.organizations:
            try:
                company, contacts = company_from_apollo(org)
            except ValueError:
                skipped += 1
                continue
            digest = content_hash(company, contacts, ignore_extra=VOLATILE_FIELDS)
            kind = self._snapshot.classify(company, digest, token=token, day=day)
            if kind is None:
                unchanged += 1
            else:
                delta.append((company, contacts, digest, kind))
        files = 1
        if delta:
            files += self._write_delta(delta, piece, pass_number, number, stem)
        with self._lock:
            report = self._report
            report.pages += 1
            report.companies += len(page.organizations)
            report.skipped += skipped
            report.unchanged += unchanged
            report.new += sum(1 for d in delta if d[3] == "new")
            report.changed += sum(1 for d in delta if d[3] == "changed")
            report.files += files

    def _write_delta(
        self,
        delta: list[tuple[Company, Contacts, str, str]],
        piece: Slice,
        pass_number: int,
        number: int,
        stem: str,
    ) -> int:
        layout, day, size = self._layout, self._day, len(delta)
        table = companies_table(
            [d[0] for d in delta],
            columns={
                "content_hash": (pa.string(), [d[2] for d in delta]),
                "change": (pa.string(), [d[3] for d in delta]),
                "slice_id": (pa.string(), [piece.id] * size),
                "pass": (pa.int32(), [pass_number] * size),
                "page": (pa.int32(), [number] * size),
                "run_id": (pa.string(), [self._run_id] * size),
            },
        )
        write_parquet(
            self._objects, layout.bucket, f"{layout.bronze_dataset}/date={day}/{stem}.parquet",
            table,
        )
        private = [d[1] for d in delta if not d[1].is_empty()]
        if not private:
            return 1
        write_parquet(
            self._objects, layout.private_bucket,
            f"{layout.private_dataset}/date={day}/{stem}.parquet", contacts_table(private),
        )
        return 2
