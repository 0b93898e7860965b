"""Typed results of the client: runs, run events, matches and startup records.

Every result is a frozen dataclass built from the service's answer by the client; none holds a
connection, so results can be kept, compared and pickled freely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from thera_sdk._exceptions import RunFailedError

__all__ = [
    "DONE_STATUSES",
    "RUN_STATUSES",
    "Contact",
    "Match",
    "PrivateStartupRecord",
    "Run",
    "RunEvent",
    "StartupRecord",
]

# ListExecutions' statusFilter values, in the order a run usually goes through them.
RUN_STATUSES: Final = (
    "RUNNING",
    "SUCCEEDED",
    "FAILED",
    "TIMED_OUT",
    "ABORTED",
    "PENDING_REDRIVE",
)
DONE_STATUSES: Final = frozenset({"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class Run:
    """One run of a workflow (a Step Functions execution, on AWS or on the local engine).

    ``run_id`` is the execution ARN. ``input`` and ``output`` are the parsed JSON documents;
    runs listed by :meth:`Client.list_runs` carry neither (``None``): fetch one with
    :meth:`Client.get_run` to see them.

    Examples
    --------
    >>> run = client.get_run(run_id)  # doctest: +SKIP
    >>> run.workflow, run.status, run.done  # doctest: +SKIP
    ('daily', 'SUCCEEDED', True)
    """

    run_id: str
    name: str
    workflow: str
    status: str
    started_at: datetime
    stopped_at: datetime | None = None
    input: Any = None
    output: Any = None
    error: str | None = None
    cause: str | None = None
    redrive_count: int = 0
    state_machine_arn: str = ""

    @property
    def done(self) -> bool:
        """True once the run has ended (succeeded, failed, timed out or aborted)."""
        return self.status in DONE_STATUSES

    @property
    def succeeded(self) -> bool:
        """True when the run ended in ``SUCCEEDED``."""
        return self.status == "SUCCEEDED"

    def raise_for_status(self) -> Run:
        """Return the run when it succeeded or is still going; raise if it ended otherwise.

        Raises
        ------
        RunFailedError
            The run ended ``FAILED``, ``TIMED_OUT`` or ``ABORTED``; the error carries the
            status, the ASL error name and cause, and the ``run_id``.

        Examples
        --------
        >>> client.get_run(run_id).raise_for_status().output  # doctest: +SKIP
        {'published': 120}
        """
        if self.done and not self.succeeded:
            detail = ": ".join(part for part in (self.error, self.cause) if part)
            raise RunFailedError(
                f"Run {self.name!r} of workflow {self.workflow!r} ended {self.status}"
                + (f" ({detail})" if detail else "")
                + "; read run_history() to see where, then fix and redrive_run() it or start a "
                "new run.",
                status=self.status,
                error=self.error or "",
                cause=self.cause or "",
                run_id=self.run_id,
            )
        return self


@dataclass(frozen=True)
class RunEvent:
    """One event of a run's history, as ``GetExecutionHistory`` reports it.

    ``state`` is the state's name for state events, ``error`` and ``cause`` are set for failure
    events, and ``details`` keeps the whole ``...EventDetails`` mapping.

    Examples
    --------
    >>> [e.type for e in client.run_history(run_id)][:2]  # doctest: +SKIP
    ['ExecutionStarted', 'TaskStateEntered']
    """

    id: int
    type: str
    timestamp: datetime
    previous_id: int = 0
    state: str | None = None
    error: str | None = None
    cause: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """A startup that fits a challenge: the model's ``score`` (0 to 1), the cosine
    ``similarity`` of the texts and human-readable ``reasons``, most specific first.

    Examples
    --------
    >>> best = client.match("card-not-present fraud at checkout")[0]  # doctest: +SKIP
    >>> best.name, round(best.score, 2), best.reasons[0]  # doctest: +SKIP
    ('Acme Risk', 0.91, 'describes real-time transaction fraud scoring')
    """

    startup_id: str
    name: str
    score: float
    similarity: float
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """A person at a startup (private records only)."""

    name: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    linkedin_url: str | None = None


@dataclass(frozen=True)
class StartupRecord:
    """What anyone may read about a startup (table ``startups-public``).

    Fields follow ``schemas/startup_public_record.json``; a field the record lacks is ``None``
    (``()`` for ``keywords``).

    Examples
    --------
    >>> record = client.get_public_record("s-fraud")  # doctest: +SKIP
    >>> record.name, record.industry, record.updated_at.year  # doctest: +SKIP
    ('Acme Risk', 'Fintech', 2025)
    """

    startup_id: str
    name: str | None = None
    domain: str | None = None
    website: str | None = None
    description: str | None = None
    industry: str | None = None
    country: str | None = None
    city: str | None = None
    keywords: tuple[str, ...] = ()
    employees: int | None = None
    founded_year: int | None = None
    linkedin_url: str | None = None
    health_score: float | None = None
    richness: float | None = None
    updated_at: datetime | None = None
    published_at: datetime | None = None
    expires_at: datetime | None = None
    record_hash: str | None = None


@dataclass(frozen=True)
class PrivateStartupRecord(StartupRecord):
    """The full record of a startup, personal data included (table ``startups-private``).

    ``contacts`` lists the people; ``other`` holds every further attribute the record carries
    (``emails``, ``phones``, ``extra``, source columns...).

    Examples
    --------
    >>> [c.email for c in client.get_private_record("s-fraud").contacts]  # doctest: +SKIP
    ['ana@acmerisk.example']
    """

    contacts: tuple[Contact, ...] = ()
    other: Mapping[str, Any] = field(default_factory=dict)
