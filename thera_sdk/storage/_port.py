"""What every port shares: one place where adapter errors become :class:`TheraError`."""

from __future__ import annotations

from abc import ABC
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TypeVar

from thera_sdk._exceptions import TheraError

__all__ = ["Port"]

T = TypeVar("T")


class _Guarded(AbstractContextManager[T]):
    """A context manager whose enter and exit errors go through the port's translation (errors
    raised by the caller's own ``with`` block are left alone)."""

    def __init__(
        self, port: Port, subject: str, factory: Callable[[], AbstractContextManager[T]]
    ) -> None:
        self._port, self._subject, self._factory = port, subject, factory
        self._inner: AbstractContextManager[T] | None = None

    def __enter__(self) -> T:
        inner = self._port._call(self._subject, self._factory)
        self._inner = inner
        return self._port._call(self._subject, inner.__enter__)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        assert self._inner is not None
        inner = self._inner
        return self._port._call(self._subject, lambda: inner.__exit__(kind, value, traceback))


class Port(ABC):  # noqa: B024 - shared behaviour, hooks are declared by each port
    """Base of all ports.

    Public methods of a port run their adapter's hook through :meth:`_call`: a
    :class:`TheraError` passes through, and any other exception is offered to the adapter's
    :meth:`_translate_error`, which returns the most specific :class:`TheraError` (raised ``from``
    the original) or ``None`` to let the original propagate.
    """

    def _translate_error(self, exc: Exception, subject: str) -> TheraError | None:
        """Map a library error to a :class:`TheraError`; ``subject`` names what was touched."""
        return None

    def _call(self, subject: str, hook: Callable[[], T]) -> T:
        try:
            return hook()
        except TheraError:
            raise
        except Exception as exc:
            error = self._translate_error(exc, subject)
            if error is None:
                raise
            raise error from exc

    def _guard(
        self, subject: str, factory: Callable[[], AbstractContextManager[T]]
    ) -> AbstractContextManager[T]:
        """Wrap a context manager so its enter/exit errors are translated like :meth:`_call`."""
        return _Guarded(self, subject, factory)

    async def _acall(self, subject: str, hook: Callable[[], Awaitable[T]]) -> T:
        try:
            return await hook()
        except TheraError:
            raise
        except Exception as exc:
            error = self._translate_error(exc, subject)
            if error is None:
                raise
            raise error from exc
