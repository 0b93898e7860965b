"""Property, end to end: no spelling of a loopback address ever reaches a loopback listener.

Every generated URL points at the canary's port on a loopback address. Raw text goes to httpx
as is (its own URL parser) and, separately, in the canonical form the checker uses. Whatever
happens, the canary must never see a connection.
"""

from __future__ import annotations

import asyncio
import importlib.util
import ipaddress
from pathlib import Path

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thera_sdk.net import (
    BlockedAddressError,
    InvalidTargetError,
    NetworkPolicy,
    ResolutionError,
    parse_url,
    safe_async_client,
)
from thera_sdk.testweb import TestWeb


def _load_forms():  # type: ignore[no-untyped-def]
    """The unit suite's URL-spelling strategies (tests/ is not a package)."""
    path = Path(__file__).resolve().parents[2] / "unit" / "net" / "ssrf_forms.py"
    spec = importlib.util.spec_from_file_location("thera_test_ssrf_forms", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FORMS = _load_forms()
LOOPBACKS = st.one_of(
    st.integers(0x7F000000, 0x7FFFFFFF).map(ipaddress.IPv4Address),
    st.just(ipaddress.IPv4Address("0.0.0.0")),
)


@st.composite
def spelled(draw: st.DrawFn, port: int) -> str:
    address = draw(LOOPBACKS)
    if draw(st.booleans()):
        host = draw(FORMS.ipv4_spelling(address))
    else:
        form = draw(st.sampled_from([0xFFFF << 32, 0x64FF9B << 96, 0]))
        v6 = ipaddress.IPv6Address(form | int(address)) if form or int(address) > 1 else None
        host = draw(FORMS.ipv6_spelling(v6)) if v6 else "[::1]"
    scheme = draw(st.sampled_from(["http", "HTTP"]))
    userinfo = draw(st.sampled_from(["", "user@", "a:b@", "example.com@"]))
    slashes = draw(st.sampled_from(["://", ":/", ":\\\\"]))
    return f"{scheme}{slashes}{userinfo}{host}:{port}/x"


def test_no_loopback_spelling_reaches_the_canary(web: TestWeb) -> None:
    web_settings = web.settings()
    policy = NetworkPolicy(allowed_ports=None, dial_map=web_settings.policy().dial_map)
    outcomes: dict[str, int] = {}

    with asyncio.Runner() as runner:
        resolver = web_settings.resolver(timeout=1.0)
        client = safe_async_client(resolver=resolver, policy=policy, timeout=2)

        async def attempt(url: str) -> None:
            try:
                await client.get(url)
            except (BlockedAddressError, ResolutionError, InvalidTargetError) as exc:
                outcomes[type(exc).__name__] = outcomes.get(type(exc).__name__, 0) + 1
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
                outcomes["httpx refused"] = outcomes.get("httpx refused", 0) + 1
                assert "connect" not in str(exc).lower()
            else:
                raise AssertionError(f"{url} was fetched")

        @given(spelled(web.canary_port))
        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
        def check(url: str) -> None:
            runner.run(attempt(url))
            try:
                canonical = parse_url(url).url
            except InvalidTargetError:
                return
            runner.run(attempt(canonical))

        try:
            check()
        finally:
            runner.run(client.aclose())
            runner.run(resolver.aclose())
    assert web.canary_connections == 0
    assert outcomes.get("BlockedAddressError", 0) > 100
