"""Network settings of the direct scraper: nameservers, the private-network switch, a test web.

They never come from a task's event (an event must not be able to turn the SSRF rules off),
only from the command line or the deployment's environment:

==================================  ==========================================================
``THERA_NAMESERVER``                ``HOST:PORT[,HOST:PORT]``; the system resolvers if unset
``THERA_TESTWEB``                   settings file of a running loopback test web (nameserver,
                                    CA bundle and dial map; see :mod:`thera_sdk.testweb`)
``THERA_ALLOW_PRIVATE_NETWORKS``    ``1`` lifts the address rules; refused with
                                    ``THERA_BACKEND=aws``
==================================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from thera_sdk import net
from thera_sdk._exceptions import ConfigurationError
from thera_sdk.scrape._fetch import (
    DEFAULT_MAX_BYTES,
    DEFAULT_USER_AGENT,
    HttpxFetcher,
    safe_fetcher,
)

__all__ = ["NetworkSettings"]

_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class NetworkSettings:
    """Where the direct scraper may connect, and through which DNS.

    Parameters
    ----------
    nameservers
        ``"HOST:PORT"`` DNS servers; the system's when empty (or the test web's).
    allow_private_networks
        Lift the SSRF rules: for tests and the local demo only.
    testweb
        Path of a loopback test web's settings file: its nameserver (unless ``nameservers``
        is given), CA bundle and dial map are used.

    Examples
    --------
    >>> NetworkSettings.from_env({"THERA_NAMESERVER": "127.0.0.1:5353"}).nameservers
    ('127.0.0.1:5353',)
    """

    nameservers: tuple[str, ...] = ()
    allow_private_networks: bool = False
    testweb: str | None = None

    def __post_init__(self) -> None:
        for spec in self.nameservers:
            try:
                net.parse_nameserver(spec)
            except ValueError as exc:
                raise ConfigurationError(str(exc)) from exc

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NetworkSettings:
        """Read ``THERA_NAMESERVER``, ``THERA_TESTWEB`` and ``THERA_ALLOW_PRIVATE_NETWORKS``."""
        env = os.environ if environ is None else environ
        allow = env.get("THERA_ALLOW_PRIVATE_NETWORKS", "").strip().lower() in _TRUE
        if allow and env.get("THERA_BACKEND", "local").strip().lower() == "aws":
            raise ConfigurationError(
                "THERA_ALLOW_PRIVATE_NETWORKS is set on the aws backend; it exists for local "
                "tests and the demo only. Unset it."
            )
        servers = tuple(s.strip() for s in env.get("THERA_NAMESERVER", "").split(",") if s.strip())
        return cls(servers, allow, env.get("THERA_TESTWEB") or None)

    def fetcher(
        self, *, user_agent: str = DEFAULT_USER_AGENT, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> HttpxFetcher:
        """A safe fetcher with these settings (create it inside the event loop that uses it,
        and close it with ``await fetcher.aclose()``)."""
        nameservers: Sequence[str] = self.nameservers
        policy = net.NetworkPolicy(allow_private_networks=self.allow_private_networks)
        ssl_context = None
        if self.testweb:
            from thera_sdk.testweb import TestWebSettings

            web = TestWebSettings.read(self.testweb)
            nameservers = nameservers or [web.nameserver]
            policy = web.policy(allow_private_networks=self.allow_private_networks)
            ssl_context = web.ssl_context()
        return safe_fetcher(
            nameservers=list(nameservers) or None,
            policy=policy,
            ssl_context=ssl_context,
            user_agent=user_agent,
            max_bytes=max_bytes,
        )
