"""Property: however a non-public address is spelled in a URL, the guard refuses it."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from hypothesis import HealthCheck, given, settings
from ssrf_forms import ipv4_spelling, non_public_url, non_public_v4

from thera_sdk.net import (
    BlockedAddressError,
    Guard,
    InvalidTargetError,
    NetworkPolicy,
    Resolver,
    classify_address,
    parse_host,
    parse_url,
)

# IP literals are never looked up, so this resolver is never asked (no network is used).
GUARD = Guard(Resolver(["127.0.0.1:9"], timeout=0.1), NetworkPolicy(allowed_ports=None))


@given(non_public_v4.flatmap(lambda a: ipv4_spelling(a).map(lambda text: (text, a))))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_every_ipv4_spelling_reads_back_as_the_same_address(case: tuple[str, object]) -> None:
    text, address = case
    assert parse_host(text).address == address


@given(non_public_url())
@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
def test_no_spelling_of_a_non_public_address_gets_past_the_guard(
    case: tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address],
) -> None:
    text, address = case
    # WHEN the URL is read the browser way
    try:
        target = parse_url(text)
    except InvalidTargetError as exc:
        # THEN either it is refused outright as a disguised address ...
        assert exc.suspicious, text
        return
    # ... or its host is exactly the non-public address that was spelled
    assert target.host.address == address, text
    assert classify_address(target.host.address) is not None, text
    # AND the guard refuses to pin it, naming the address
    with pytest.raises(BlockedAddressError) as caught:
        asyncio.run(GUARD.pin(target))
    assert caught.value.verdicts, text
    assert caught.value.evidence()["refused"][0]["reason"] != "port_not_allowed"
