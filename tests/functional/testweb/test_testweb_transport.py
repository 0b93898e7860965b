"""The safe transport against the test web: pinned addresses, checked hops, TLS facts."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import httpx
import pytest

from thera_sdk.net import (
    PIN_EXTENSION,
    TLS_EXTENSION,
    BlockedAddressError,
    NetworkPolicy,
    ResolutionError,
    SafeTransport,
    safe_async_client,
)
from thera_sdk.testweb import TestWeb, TestWebSettings


def run(
    settings: TestWebSettings,
    action: Callable[[httpx.AsyncClient], Awaitable[Any]],
    *,
    policy: NetworkPolicy | None = None,
    **client: Any,
) -> Any:
    async def main() -> Any:
        resolver = settings.resolver()
        try:
            async with safe_async_client(
                resolver=resolver,
                policy=policy or settings.policy(),
                ssl_context=settings.ssl_context(),
                timeout=5,
                **client,
            ) as http:
                return await action(http)
        finally:
            await resolver.aclose()

    return asyncio.run(main())


async def get(client: httpx.AsyncClient, url: str) -> httpx.Response:
    return await client.get(url)


def test_https_fetch_is_pinned_and_reports_tls(web: TestWeb, settings: TestWebSettings) -> None:
    response = run(settings, lambda c: c.get("https://healthy.test/"))
    assert response.status_code == 200
    pin = response.extensions[PIN_EXTENSION]
    assert str(pin.address) == web.address_of("healthy.test")[0]
    assert pin.dial == ("127.0.0.1", web.https_port)
    tls = response.extensions[TLS_EXTENSION]
    assert tls.protocol == "TLSv1.3"
    assert tls.names == ("healthy.test", "www.healthy.test")
    assert tls.issuer == "Thera test web CA"
    assert tls.days_to_expiry > 1000


def test_redirects_followed_by_httpx_are_each_checked(
    web: TestWeb, settings: TestWebSettings
) -> None:
    response = run(settings, lambda c: c.get("http://healthy.test/"), follow_redirects=True)
    assert str(response.url) == "https://healthy.test/"
    assert [r.status_code for r in response.history] == [301]
    before = web.canary_connections
    for url in ("https://redirect-private.test/", "https://redirect-metadata.test/",
                "https://redirect-private-name.test/"):  # fmt: skip
        with pytest.raises(BlockedAddressError) as caught:
            run(settings, partial(get, url=url), follow_redirects=True)
        assert caught.value.verdicts
    assert web.canary_connections == before


def test_names_resolving_to_private_addresses_are_refused(settings: TestWebSettings) -> None:
    for name, reason in [("private-name.test", "private"), ("loopback-name.test", "loopback"),
                         ("metadata-name.test", "cloud_metadata"), ("mapped-name.test", "loopback"),
                         ("mixed-name.test", "private")]:  # fmt: skip
        with pytest.raises(BlockedAddressError) as caught:
            run(settings, partial(get, url=f"http://{name}/"))
        assert [v.reason for v in caught.value.verdicts] == [reason]


def test_without_the_dial_map_the_test_web_fails_closed(settings: TestWebSettings) -> None:
    # The sample sites resolve to documentation addresses: refused unless the map says where.
    with pytest.raises(BlockedAddressError, match="documentation"):
        run(settings, lambda c: c.get("https://healthy.test/"), policy=NetworkPolicy())
    # An IP literal is never mapped, even when it is a key of the map.
    with pytest.raises(BlockedAddressError, match="documentation"):
        run(settings, lambda c: c.get("http://203.0.113.1/"))


def test_ports_outside_the_allowed_set_are_refused(settings: TestWebSettings) -> None:
    with pytest.raises(BlockedAddressError) as caught:
        run(settings, lambda c: c.get("http://healthy.test:2222/"))
    assert [v.reason for v in caught.value.verdicts] == ["port_not_allowed"]


def test_dns_failures_surface_as_resolution_errors(settings: TestWebSettings) -> None:
    with pytest.raises(ResolutionError) as caught:
        run(settings, lambda c: c.get("http://nxdomain.test/"))
    assert caught.value.kind == "nxdomain"
    assert isinstance(caught.value, httpx.ConnectError)


def test_tls_verification_failures_are_connect_errors(settings: TestWebSettings) -> None:
    with pytest.raises(httpx.ConnectError, match="certificate has expired"):
        run(settings, lambda c: c.get("https://expired-cert.test/"))


def test_timeouts_are_httpx_timeouts(settings: TestWebSettings) -> None:
    with pytest.raises(httpx.ReadTimeout):
        run(settings, lambda c: c.get("https://slow.test/", timeout=0.3))


def test_one_lookup_per_name_then_the_checked_address_is_reused(
    web: TestWeb, settings: TestWebSettings
) -> None:
    async def twice(client: httpx.AsyncClient) -> None:
        await client.get("https://placeholder.test/")
        await client.get("http://placeholder.test/")

    before = web.dns_queries
    run(settings, twice)
    assert web.dns_queries - before == 2  # A and AAAA, once


def test_keep_alive_reuses_a_connection_per_origin(settings: TestWebSettings) -> None:
    async def many(client: httpx.AsyncClient) -> list[int]:
        responses = [await client.get("https://healthy.test/team") for _ in range(3)]
        return [id(r.extensions["network_stream"]) for r in responses]

    streams = run(settings, many)
    assert len(set(streams)) == 1


def test_allow_private_networks_lifts_the_rules(web: TestWeb, settings: TestWebSettings) -> None:
    before = web.canary_connections
    policy = NetworkPolicy(allow_private_networks=True)
    with pytest.raises(httpx.TransportError):  # the canary hangs up at once
        run(settings, lambda c: c.get(f"http://{web.canary_host}/"), policy=policy)
    assert web.canary_connections == before + 1


def test_policy_rejects_a_dial_map_that_could_bypass_the_rules() -> None:
    with pytest.raises(ValueError, match="not a documentation address"):
        NetworkPolicy(dial_map={("10.0.0.1", 80): ("127.0.0.1", 8080)})
    with pytest.raises(ValueError, match="not a loopback address"):
        NetworkPolicy(dial_map={("203.0.113.1", 80): ("10.0.0.1", 80)})


def test_transport_refuses_other_schemes(settings: TestWebSettings) -> None:
    async def main() -> None:
        transport = SafeTransport(resolver=settings.resolver(), policy=settings.policy())
        try:
            with pytest.raises(BlockedAddressError, match="only http and https"):
                await transport.handle_async_request(httpx.Request("GET", "ftp://healthy.test/"))
        finally:
            await transport.aclose()

    asyncio.run(main())
