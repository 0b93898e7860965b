"""Client settings: timeouts, retries, the stack's resources and the "not given" sentinel.

Each is a small frozen dataclass with a module-level ``DEFAULT_*`` value, so a client can be
configured once and a call can still override one setting (``USE_CLIENT_DEFAULT`` tells "not
given" apart from ``None``, which often means "no limit").
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from thera_sdk._exceptions import RequestError, ValidationError

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_RETRY_POLICY",
    "DEFAULT_TIMEOUTS",
    "LOCAL_POLL_INTERVAL",
    "LOCAL_STACK",
    "USE_CLIENT_DEFAULT",
    "RetryPolicy",
    "StackResources",
    "Timeouts",
    "UseClientDefault",
]

LOCAL_STACK: Final = "thera"  # local state machines are "thera-<workflow>", like `thera run`
DEFAULT_POLL_INTERVAL: Final = 2.0  # seconds between DescribeExecution calls on AWS
LOCAL_POLL_INTERVAL: Final = 0.05  # a local status read is one SQLite query
DEFAULT_PAGE_SIZE: Final = 100
DEFAULT_LIMIT: Final = 20  # matches per challenge


class UseClientDefault:
    """The type of :data:`USE_CLIENT_DEFAULT`: "use the client's setting" (``None`` may mean
    "no limit", so it cannot mean "not given").

    Examples
    --------
    >>> USE_CLIENT_DEFAULT
    USE_CLIENT_DEFAULT
    """

    _instance: UseClientDefault | None = None

    def __new__(cls) -> UseClientDefault:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "USE_CLIENT_DEFAULT"


USE_CLIENT_DEFAULT: Final = UseClientDefault()


@dataclass(frozen=True)
class Timeouts:
    """How long the client waits, in seconds.

    Parameters
    ----------
    connect
        To open a connection to an AWS endpoint.
    read
        For an AWS answer once the request is sent (the matcher Lambda may take up to 30 s).
    wait
        The default deadline of :meth:`Client.wait_for_run`; ``None`` waits as long as the run
        takes.

    Examples
    --------
    >>> Timeouts(wait=None).read
    60.0
    """

    connect: float = 5.0
    read: float = 60.0
    wait: float | None = 3600.0

    def __post_init__(self) -> None:
        for name in ("connect", "read", "wait"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValidationError(f"Timeouts.{name} must be positive seconds, got {value}.")


DEFAULT_TIMEOUTS: Final = Timeouts()


@dataclass(frozen=True)
class RetryPolicy:
    """When and how a failed call is sent again.

    A call is retried when it fails with a :class:`~thera_sdk.RequestError` (throttling, a
    timeout, a 5xx answer, a dropped connection), after an exponential delay with full jitter.
    Other errors (not found, access denied, bad input) are never retried. This is the only retry
    layer: the boto3 clients the SDK makes do not retry on their own.

    Parameters
    ----------
    max_attempts
        Attempts in all, the first included (``1`` turns retries off).
    base_delay, max_delay
        The delay after failed attempt ``n`` is random in
        ``[0, min(max_delay, base_delay * 2**(n - 1))]``.

    Examples
    --------
    >>> RetryPolicy(max_attempts=1).should_retry(RequestError("x"), attempt=1)
    False
    """

    max_attempts: int = 4
    base_delay: float = 0.2
    max_delay: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValidationError(
                f"RetryPolicy.max_attempts is {self.max_attempts}; use 1 to turn retries off."
            )
        if self.base_delay < 0 or self.max_delay < 0:
            raise ValidationError("RetryPolicy delays must be zero or positive seconds.")

    def should_retry(self, error: Exception, *, attempt: int) -> bool:
        """Whether ``error``, raised by attempt number ``attempt``, deserves another attempt."""
        return isinstance(error, RequestError) and attempt < self.max_attempts

    def delay(self, attempt: int, *, rng: random.Random | None = None) -> float:
        """Seconds to sleep after failed attempt number ``attempt`` (1 for the first).

        Examples
        --------
        >>> 0 <= RetryPolicy(base_delay=0.1).delay(3) <= 0.4
        True
        """
        ceiling = min(self.max_delay, self.base_delay * 2 ** max(0, attempt - 1))
        return (rng or random).uniform(0, ceiling)


DEFAULT_RETRY_POLICY: Final = RetryPolicy()


@dataclass(frozen=True)
class StackResources:
    """Names of the stack's resources the client uses; anything left out is looked up.

    By default the client reads the CloudFormation outputs of its stack
    (``<Workflow>StateMachineArn``, ``StartupsPublicTableName``, ``StartupsPrivateTableName``,
    ``MatcherFunctionArn``). Give names here to skip that lookup (a caller without
    ``cloudformation:DescribeStacks``, a stack deployed another way, a ``MockTransport`` test).

    Parameters
    ----------
    state_machines
        State machine ARN by workflow name (``"daily"``, ``"weekly-training"``...).
    public_table, private_table
        The DynamoDB tables of startup records.
    matcher_function
        Name or ARN of the matcher Lambda function.

    Examples
    --------
    >>> StackResources(public_table="thera-dev-startups-public").complete
    False
    """

    state_machines: Mapping[str, str] = field(default_factory=dict)
    public_table: str | None = None
    private_table: str | None = None
    matcher_function: str | None = None

    @property
    def complete(self) -> bool:
        """True when nothing is left to look up."""
        return bool(
            self.state_machines
            and self.public_table
            and self.private_table
            and self.matcher_function
        )
