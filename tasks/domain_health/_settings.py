"""Building a :class:`CheckConfig` from command-line options or the environment.

Network settings never come from an event: an event cannot turn the SSRF rules off. They come
from the deployment (environment variables) or the command line:

==============================  ==============================================================
``THERA_NAMESERVER``            ``HOST:PORT[,HOST:PORT]``; the system resolvers if unset
``THERA_TESTWEB``               settings file of a running loopback test web (nameserver, CA
                                bundle and dial map; see :mod:`thera_sdk.testweb`)
``THERA_ALLOW_PRIVATE_NETWORKS`` ``1`` lifts the address rules; refused when
                                ``THERA_BACKEND=aws``
==============================  ==============================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from tasks.domain_health.logic import DEFAULT_CONFIG, CheckConfig, Timeouts
from thera_sdk._exceptions import ConfigurationError
from thera_sdk.net import NetworkPolicy, parse_nameserver

__all__ = ["build_config", "config_from_env"]

_TRUE = {"1", "true", "yes", "on"}


def build_config(
    *,
    nameservers: Sequence[str] | None = None,
    allow_private_networks: bool = False,
    testweb: str | None = None,
    concurrency: int | None = None,
    options: Mapping[str, Any] | None = None,
    base: CheckConfig = DEFAULT_CONFIG,
) -> CheckConfig:
    """A checker configuration from explicit settings.

    ``testweb`` is the path of a test web settings file: its nameserver (unless
    ``nameservers`` is given), CA bundle and dial map are used. ``options`` are the event's
    tuning knobs (``concurrency``, ``max_redirects``, ``tls_expiry_days``,
    ``timeout_seconds``).

    Examples
    --------
    >>> build_config(nameservers=["127.0.0.1:5353"], concurrency=20).nameservers
    ('127.0.0.1:5353',)
    """
    config = base
    servers = tuple(nameservers) if nameservers else None
    for spec in servers or ():
        try:
            parse_nameserver(spec)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from exc
    policy = NetworkPolicy(allow_private_networks=allow_private_networks)
    if testweb:
        from thera_sdk.testweb import TestWebSettings

        web = TestWebSettings.read(testweb)
        servers = servers or (web.nameserver,)
        policy = web.policy(allow_private_networks=allow_private_networks)
        config = replace(config, ca_bundle=web.ca_bundle)
    config = replace(config, nameservers=servers, policy=policy)
    opts = dict(options or {})
    if concurrency is not None:
        opts["concurrency"] = concurrency
    if "timeout_seconds" in opts:
        total = float(opts.pop("timeout_seconds"))
        config = replace(
            config,
            timeouts=Timeouts(
                dns=min(3.0, total / 4),
                connect=min(5.0, total / 3),
                read=min(8.0, total / 2),
                chain=total * 0.8,
                domain=total,
            ),
        )
    known = {"concurrency", "max_redirects", "tls_expiry_days", "max_body_bytes"}
    unknown = set(opts) - known
    if unknown:
        raise ConfigurationError(
            f"Unknown option(s) {sorted(unknown)}; use {sorted(known | {'timeout_seconds'})}."
        )
    try:
        return replace(config, **opts)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def config_from_env(
    environ: Mapping[str, str] | None = None, options: Mapping[str, Any] | None = None
) -> CheckConfig:
    """The configuration of a deployed (or local) handler: environment plus event options.

    Examples
    --------
    >>> config_from_env({"THERA_NAMESERVER": "10.0.0.2:53"}).nameservers
    ('10.0.0.2:53',)
    """
    env = os.environ if environ is None else environ
    allow = env.get("THERA_ALLOW_PRIVATE_NETWORKS", "").strip().lower() in _TRUE
    if allow and env.get("THERA_BACKEND", "local").strip().lower() == "aws":
        raise ConfigurationError(
            "THERA_ALLOW_PRIVATE_NETWORKS is for tests and the local demo; unset it when "
            "THERA_BACKEND=aws."
        )
    servers = [s.strip() for s in env.get("THERA_NAMESERVER", "").split(",") if s.strip()]
    return build_config(
        nameservers=servers or None,
        allow_private_networks=allow,
        testweb=env.get("THERA_TESTWEB") or None,
        options=options,
    )
