"""Errors of the safe-fetch layer.

::

    TheraError
    ├── InvalidTargetError        a line or URL that is not an http(s) URL or domain (ValueError)
    ├── BlockedAddressError       refused before connecting: non-public address, name or port
    └── ResolutionError           DNS gave no usable answer (NXDOMAIN, SERVFAIL, timeout...)

:class:`BlockedAddressError` and :class:`ResolutionError` are also ``httpx.ConnectError``, so
code that already handles "could not connect" keeps working when a request is refused.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from thera_sdk._exceptions import TheraError, ValidationError

if TYPE_CHECKING:
    from ._address import IPAddress, Verdict

__all__ = ["BlockedAddressError", "InvalidTargetError", "ResolutionError"]


class InvalidTargetError(ValidationError):
    """The text is not a usable http(s) URL or domain name.

    ``reason`` is a code (``invalid_host``, ``malformed_ip_literal``, ``unsupported_scheme``,
    ``invalid_port``...). ``suspicious`` is true when the text looks like an attempt to spell an
    address (a bracketed or numeric host), which callers report as a blocked target rather than
    a typo. ``address`` is set when an address could still be read from it.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: str,
        suspicious: bool = False,
        address: IPAddress | None = None,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.suspicious = suspicious
        self.address = address


class BlockedAddressError(TheraError, httpx.ConnectError):
    """A request was refused before any connection because its target is not public.

    ``verdicts`` lists every refused address or name with its reason; ``url`` is the URL asked.
    """

    def __init__(
        self, message: str, *, url: str, verdicts: list[Verdict], request: Any = None
    ) -> None:
        httpx.ConnectError.__init__(self, message, request=request)
        self.url = url
        self.verdicts = verdicts

    def evidence(self) -> dict[str, Any]:
        """The refusal as JSON-able evidence: the URL and each address with its reason."""
        return {"url": self.url, "refused": [v.as_dict() for v in self.verdicts]}


class ResolutionError(TheraError, httpx.ConnectError):
    """A name could not be resolved; ``kind`` is ``nxdomain``, ``servfail``, ``timeout``,
    ``no_address`` or ``error``."""

    def __init__(self, message: str, *, name: str, kind: str, request: Any = None) -> None:
        httpx.ConnectError.__init__(self, message, request=request)
        self.name = name
        self.kind = kind
