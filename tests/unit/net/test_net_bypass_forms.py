"""Bypass forms from the SSRF corpus that used to be reported as invalid or left to DNS."""

from __future__ import annotations

import asyncio
import ipaddress

import pytest

from thera_sdk.net import (
    BlockedAddressError,
    Guard,
    InvalidTargetError,
    NetworkPolicy,
    Resolver,
    classify_address,
    name_verdict,
    parse_host,
    parse_target,
    parse_url,
)

# Only IP literals and refused names are used, so this resolver is never asked.
GUARD = Guard(Resolver(["127.0.0.1:9"], timeout=0.1), NetworkPolicy(allowed_ports=None))


@pytest.mark.parametrize(
    "text",
    [
        "\u246b\u248e\u24ea.\u24ea.\u2460",  # circled 12, "7." and 0s: 127.0.0.1 under NFKC
        "127\ufe520\ufe520\ufe521",  # small full stops
        "127\u20240\u20240\u20241",  # one dot leaders
        "127.0.0.1\u200d",  # a joiner IDNA keeps and then rejects
        "127.0.0.1..",
        ".127.0.0.1",
    ],
)
def test_hosts_that_spell_an_address_and_fail_to_parse_are_suspicious(text: str) -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_host(text)
    assert caught.value.suspicious


def test_a_name_with_edge_hyphens_that_spells_loopback_is_suspicious() -> None:
    # browsers look "--1.sslip.io" up, and sslip.io answers ::1
    with pytest.raises(InvalidTargetError) as caught:
        parse_host("--1.sslip.io")
    assert caught.value.suspicious
    with pytest.raises(InvalidTargetError) as caught:
        parse_host("-bad.com")
    assert not caught.value.suspicious


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("http://::1:8080/", "::1"),
        ("http://::ffff:127.0.0.1/", "::ffff:127.0.0.1"),
        ("http://0:0:0:0:0:0:0:1/", "::1"),
        ("http://fd00:ec2::254/", "fd00:ec2::254"),
        ("http://user@fe80::1/x", "fe80::1"),
    ],
)
def test_unbracketed_ipv6_hosts_are_refused_with_their_address(text: str, address: str) -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_url(text)
    assert caught.value.reason == "malformed_ip_literal"
    assert caught.value.suspicious
    assert caught.value.address == ipaddress.IPv6Address(address)


def test_a_bare_ipv6_line_is_refused_not_invalid() -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_target("::1")
    assert caught.value.suspicious


def test_a_bad_port_on_a_refused_name_is_suspicious() -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_url("http://localhost:8080:80/")
    assert caught.value.reason == "invalid_port" and caught.value.suspicious
    with pytest.raises(InvalidTargetError) as caught:
        parse_url("http://example.com:8o/")
    assert not caught.value.suspicious


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("http://example.com\\@127.0.0.1:8080/", "127.0.0.1"),
        ("http://example.com#@127.0.0.1/", "127.0.0.1"),
        ("http://example.com?@169.254.169.254/", "169.254.169.254"),
        ("http://127.0.0.1%2f@example.com/", "127.0.0.1"),
        ("http://foo@10.0.0.1:80 @example.com/", "10.0.0.1"),
        ("http://1.1.1.1 &@2.2.2.2# @127.0.0.1/", "127.0.0.1"),
        ("http://#@127.0.0.1/", "127.0.0.1"),
        ("http://example.com#@[::1]:8080/", "::1"),
        # percent-decoded first, then read the browser way
        ("http://127.0.0.1%5c@example.com/", "127.0.0.1"),
        ("http://169.254.169.254%2f@example.com/", "169.254.169.254"),
    ],
)
def test_urls_other_parsers_read_as_a_private_host_are_refused(text: str, address: str) -> None:
    # GIVEN a URL whose host browsers and RFC 3986 (or looser) parsers read differently
    with pytest.raises(InvalidTargetError) as caught:
        parse_url(text)
    # THEN it is refused, naming the private host the other reading leads to
    assert caught.value.reason == "ambiguous_host"
    assert caught.value.suspicious
    assert caught.value.address == ipaddress.ip_address(address)


def test_a_decoded_name_and_a_scheme_no_parser_accepts_are_refused_too() -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_url("http://localhost:80%23@example.com/")
    assert caught.value.reason == "ambiguous_host"
    with pytest.raises(InvalidTargetError) as caught:
        parse_target("0://127.0.0.1:8080/")
    assert caught.value.suspicious
    with pytest.raises(InvalidTargetError) as caught:
        parse_target("0://example.com/")
    assert not caught.value.suspicious


def test_the_guard_refuses_an_ambiguous_url_with_the_private_address() -> None:
    with pytest.raises(BlockedAddressError) as caught:
        asyncio.run(GUARD.pin("http://example.com\\@127.0.0.1/"))
    assert caught.value.verdicts[0].reason == "loopback"


def test_a_name_in_the_other_reading_is_refused_too() -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_url("http://example.com#@localhost:8080/")
    assert caught.value.reason == "ambiguous_host" and caught.value.address is None


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("http://user:p%40ss@example.com/", "http://example.com/"),
        ("http://127.0.0.1:80@example.com/", "http://example.com/"),
        ("https://example.com/?next=http://user@10.0.0.1/", None),
        ("https://example.com/a@localhost", None),
        ("http://me@work@example.com/", "http://example.com/"),
    ],
)
def test_ordinary_userinfo_and_paths_are_not_ambiguous(text: str, url: str | None) -> None:
    assert parse_url(text).url == (url or text)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("localhost6.localdomain6", "private_name"),
        ("localhost4.localdomain4", "private_name"),
        ("kubernetes.default.svc", "private_name"),
        ("router.lan", "private_name"),
        ("nas.home", "private_name"),
        ("intranet.corp", "private_name"),
        ("metadata.tencentyun.com", "cloud_metadata"),
        ("get.localhost.direct", "loopback"),
        ("127.0.0.1.xip.name", "loopback"),
        ("s-1.2.3.4-127.0.0.1-123-fs-e.d.rebind.it", "loopback"),
        ("a.127.0.0.1.1time.169.254.169.254.1time.repeat.rebind.network", "loopback"),
    ],
)
def test_more_names_are_refused_without_dns(name: str, reason: str) -> None:
    verdict = name_verdict(name)
    assert verdict is not None and verdict.reason == reason


@pytest.mark.parametrize("address", ["168.63.129.16", "fd20:ce::254"])
def test_more_metadata_addresses_are_refused(address: str) -> None:
    verdict = classify_address(address)
    assert verdict is not None and verdict.reason == "cloud_metadata"
