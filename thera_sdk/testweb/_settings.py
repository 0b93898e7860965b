"""How a client reaches a running test web: nameserver, CA bundle and dial map, as JSON.

The web writes these settings; ``thera health-check --testweb FILE`` (or ``THERA_TESTWEB``)
and the demo read them. Nothing here changes how production fetches: production simply has no
settings, so no dial map and the system's nameservers and CA roots.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from thera_sdk._exceptions import ConfigurationError
from thera_sdk.net import NetworkPolicy, Resolver, make_ssl_context

__all__ = ["TestWebSettings"]


@dataclass(frozen=True)
class TestWebSettings:
    """What a client needs to use a running :class:`TestWeb`.

    Examples
    --------
    >>> settings = TestWebSettings("127.0.0.1:5353", "/tmp/ca.pem", {}, 8080, 8443)
    >>> TestWebSettings.from_json(settings.to_json()) == settings
    True
    """

    __test__ = False  # not a pytest test class

    nameserver: str
    ca_bundle: str
    dial_map: Mapping[tuple[str, int], tuple[str, int]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    http_port: int = 0
    https_port: int = 0
    domains: tuple[str, ...] = ()

    def policy(self, *, allow_private_networks: bool = False) -> NetworkPolicy:
        """The network policy that reaches the web's sites and refuses everything private.

        Examples
        --------
        >>> TestWebSettings("127.0.0.1:53", "ca.pem").policy().allow_private_networks
        False
        """
        return NetworkPolicy(
            allow_private_networks=allow_private_networks, dial_map=dict(self.dial_map)
        )

    def resolver(self, *, timeout: float = 2.0) -> Resolver:
        """A resolver that asks the web's nameserver."""
        return Resolver([self.nameserver], timeout=timeout)

    def ssl_context(self) -> ssl.SSLContext:
        """A client context that trusts the web's test CA (and nothing else)."""
        return make_ssl_context(self.ca_bundle)

    def to_json(self) -> str:
        """The settings as a JSON document."""
        data: dict[str, Any] = {
            "nameserver": self.nameserver,
            "ca_bundle": self.ca_bundle,
            "http_port": self.http_port,
            "https_port": self.https_port,
            "dial_map": [[a, p, h, hp] for (a, p), (h, hp) in sorted(self.dial_map.items())],
            "domains": list(self.domains),
        }
        return json.dumps(data, indent=2)

    @classmethod
    def from_json(cls, text: str) -> TestWebSettings:
        """Read settings written by :meth:`to_json`."""
        try:
            data = json.loads(text)
            return cls(
                nameserver=data["nameserver"],
                ca_bundle=data["ca_bundle"],
                dial_map=MappingProxyType(
                    {(a, int(p)): (h, int(hp)) for a, p, h, hp in data.get("dial_map", [])}
                ),
                http_port=int(data.get("http_port", 0)),
                https_port=int(data.get("https_port", 0)),
                domains=tuple(data.get("domains", ())),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(
                f"Test web settings are not valid ({exc}); write them with "
                "TestWeb.settings().write(path) or 'python -m thera_sdk.testweb --settings PATH'."
            ) from exc

    def write(self, path: str | Path) -> Path:
        """Write the settings to ``path`` and return it."""
        target = Path(path)
        target.write_text(self.to_json(), encoding="utf-8")
        return target

    @classmethod
    def read(cls, path: str | Path) -> TestWebSettings:
        """Read settings from a file; :class:`ConfigurationError` says what is wrong."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigurationError(
                f"Cannot read test web settings from {path} ({exc.strerror}); start the web with "
                "'python -m thera_sdk.testweb --settings PATH' first."
            ) from exc
        return cls.from_json(text)
