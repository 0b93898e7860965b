"""Reading hosts and URLs the browser way: every spelling of an address is recognised."""

from __future__ import annotations

import ipaddress

import pytest

from thera_sdk.net import (
    InvalidTargetError,
    TargetURL,
    name_verdict,
    parse_host,
    parse_ipv4,
    parse_target,
    parse_url,
)

LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "2130706433",
    "017700000001",
    "0x7f000001",
    "0X7F000001",
    "0x7f.1",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "0177.0.0.01",
    "00177.0.0.1",
    "127.1",
    "127.0.1",
    "127.000.000.001",
    "127.0.0.1.",
    "0x7f.0x0.0x0.0x1",
    "%31%32%37.0.0.1",
    "%31%32%37%2e%30%2e%30%2e%31",
    "\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11",  # fullwidth digits and dots
    "127\u30020\u30020\u30021",  # ideographic full stops
    "\u2460\u2461\u2466.\u24ea.\u24ea.\u2460",  # circled digits
]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_every_ipv4_spelling_of_loopback_is_read_as_127_0_0_1(spelling: str) -> None:
    host = parse_host(spelling)
    assert host.address == ipaddress.IPv4Address("127.0.0.1")
    assert host.text == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", "0.0.0.0"), ("0x", "0.0.0.0"), ("4294967295", "255.255.255.255"),
     ("10.1", "10.0.0.1"), ("192.168.257", "192.168.1.1"), ("0xa9.0376.43518", "169.254.169.254")],
)  # fmt: skip
def test_parse_ipv4_short_and_mixed_forms(text: str, expected: str) -> None:
    assert parse_ipv4(text) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize("text", ["4294967296", "256.0.0.1", "1.2.3.4.5", "0x1g", "08.1", "1..2"])
def test_parse_ipv4_rejects_out_of_range_and_malformed(text: str) -> None:
    assert parse_ipv4(text) is None


@pytest.mark.parametrize(
    "text", ["4294967296", "256.0.0.1", "1.2.3.4.5", "09.0.0.1", "0x100000000"]
)
def test_hosts_that_end_in_a_number_but_are_not_ipv4_are_refused_as_suspicious(text: str) -> None:
    with pytest.raises(InvalidTargetError, match="ends in a number") as caught:
        parse_host(text)
    assert caught.value.suspicious and caught.value.reason == "malformed_ip_literal"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("[::1]", "::1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[::FFFF:7F00:1]", "::ffff:7f00:1"),
        ("[64:ff9b::169.254.169.254]", "64:ff9b::a9fe:a9fe"),
        ("[%3A%3A1]", "::1"),
    ],
)
def test_ipv6_literals(text: str, address: str) -> None:
    assert parse_host(text).address == ipaddress.IPv6Address(address)


def test_ipv6_zone_id_is_refused_but_its_address_is_kept_as_evidence() -> None:
    with pytest.raises(InvalidTargetError, match="zone id") as caught:
        parse_host("[fe80::1%25eth0]")
    assert caught.value.address == ipaddress.IPv6Address("fe80::1")


@pytest.mark.parametrize(
    ("text", "name"),
    [("Example.COM", "example.com"), ("example.com.", "example.com"),
     ("b\u00fccher.de", "xn--bcher-kva.de"), ("EXAMPLE\u3002com", "example.com"),
     ("my_host.example.com", "my_host.example.com")],
)  # fmt: skip
def test_names_are_lowercased_ascii(text: str, name: str) -> None:
    assert parse_host(text).name == name


@pytest.mark.parametrize(
    ("text", "suspicious"),
    [("exa mple.com", False), ("-bad.com", False), ("a..b", False), ("", False),
     ("127.0.0.1%00.evil.com", True), ("%zz", True), ("127.0.0.1 .evil", True)],
)  # fmt: skip
def test_invalid_hosts(text: str, suspicious: bool) -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_host(text)
    assert caught.value.suspicious is suspicious


@pytest.mark.parametrize(
    ("name", "reason"),
    [("localhost", "private_name"), ("api.localhost", "private_name"),
     ("printer.local", "private_name"), ("db.internal", "private_name"),
     ("metadata.google.internal", "cloud_metadata"), ("metadata", "cloud_metadata"),
     ("instance-data", "cloud_metadata"), ("router.home.arpa", "private_name"),
     ("1.0.0.127.in-addr.arpa", "private_name"), ("fileserver", "single_label_name")],
)  # fmt: skip
def test_special_names_are_refused(name: str, reason: str) -> None:
    verdict = name_verdict(name)
    assert verdict is not None and verdict.reason == reason


def test_ordinary_names_pass() -> None:
    assert name_verdict("example.com") is None
    assert name_verdict("healthy.test") is None


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("http://example.com", "http://example.com/"),
        ("HTTPS://Example.com:443/a?b#c", "https://example.com/a?b"),
        ("http://user:pw@example.com/", "http://example.com/"),
        ("http://a@b@127.0.0.1/", "http://127.0.0.1/"),
        ("http://127.0.0.1:80@example.com/", "http://example.com/"),
        ("http://127.0.0.1\\@example.com/", "http://127.0.0.1/@example.com/"),
        ("http:\\\\127.0.0.1\\x", "http://127.0.0.1/x"),
        ("http:/127.0.0.1", "http://127.0.0.1/"),
        ("http:127.0.0.1", "http://127.0.0.1/"),
        ("http:///127.0.0.1", "http://127.0.0.1/"),
        (" \thttp://exa\nmple.com/ ", "http://example.com/"),
        ("http://[::1]:8080/x y", "http://[::1]:8080/x%20y"),
        ("http://example.com:0080/", "http://example.com/"),
    ],
)
def test_parse_url_canonical_form(text: str, url: str) -> None:
    assert parse_url(text).url == url


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("ftp://example.com/", "unsupported_scheme"),
        ("file:///etc/passwd", "unsupported_scheme"),
        ("gopher://127.0.0.1:70/", "unsupported_scheme"),
        ("http://example.com:99999/", "invalid_port"),
        ("http://example.com:8o/", "invalid_port"),
        ("http:///", "invalid_host"),
        ("http://[::1/", "malformed_ip_literal"),
        ("http://[::1]x/", "malformed_ip_literal"),
        # browsers read example.com, RFC 3986 parsers 127.0.0.1: refused as ambiguous
        ("http://example.com\\@127.0.0.1/", "ambiguous_host"),
        ("example.com", "invalid_url"),
    ],
)
def test_parse_url_refusals(text: str, reason: str) -> None:
    with pytest.raises(InvalidTargetError) as caught:
        parse_url(text)
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("location", "url"),
    [
        ("/next", "https://a.test/next"),
        ("next", "https://a.test/dir/next"),
        ("../up", "https://a.test/up"),
        ("?q=1", "https://a.test/dir/page?q=1"),
        ("//b.test/x", "https://b.test/x"),
        ("\\\\b.test\\x", "https://b.test/x"),
        ("https:c.test", "https://a.test/dir/c.test"),
        ("http:c.test", "http://c.test/"),
        ("http://169.254.169.254/latest", "http://169.254.169.254/latest"),
        ("https:/\\2130706433/", "https://127.0.0.1/"),
    ],
)
def test_redirect_locations_are_resolved_like_a_browser(location: str, url: str) -> None:
    assert parse_url(location, base="https://a.test/dir/page").url == url


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ("example.com", "http://example.com/"),
        ("  example.com/path  ", "http://example.com/path"),
        ("localhost:8080", "http://localhost:8080/"),
        ("127.0.0.1:80", "http://127.0.0.1/"),
        ("[::1]:443", "http://[::1]:443/"),
        ("https://example.com", "https://example.com/"),
        ("Https:example.com", "https://example.com/"),
    ],
)
def test_parse_target_reads_bare_domains_and_urls(line: str, url: str) -> None:
    assert parse_target(line).url == url


def test_parse_target_refuses_other_schemes_and_empty_lines() -> None:
    with pytest.raises(InvalidTargetError, match="only http and https"):
        parse_target("javascript:alert(1)")
    with pytest.raises(InvalidTargetError, match="empty"):
        parse_target("   ")


def test_target_url_helpers() -> None:
    target = parse_url("http://example.com:8080/a")
    assert isinstance(target, TargetURL)
    assert target.effective_port == 8080
    assert target.origin == "http://example.com:8080"
    assert target.with_scheme("https").url == "https://example.com/a"
    assert str(target) == target.url


@pytest.mark.parametrize(
    ("name", "reason", "address"),
    [
        ("127.0.0.1.nip.io", "loopback", "127.0.0.1"),
        ("app.10.0.0.1.nip.io", "private", "10.0.0.1"),
        ("169-254-169-254.sslip.io", "cloud_metadata", "169.254.169.254"),
        ("www.192-168-1-1.sslip.io", "private", "192.168.1.1"),
        ("7f000001.c0a80001.rbndr.us", "loopback", "127.0.0.1"),
        ("a9fea9fe.nip.io", "cloud_metadata", "169.254.169.254"),
        ("--1.sslip.io", "loopback", "::1"),
    ],
)
def test_names_that_spell_a_private_address_are_refused_without_dns(
    name: str, reason: str, address: str
) -> None:
    verdict = name_verdict(name)
    assert verdict is not None and verdict.reason == reason
    assert address in verdict.detail


@pytest.mark.parametrize("name", ["localtest.me", "api.localtest.me", "lvh.me", "x.vcap.me",
                                  "spoofed.burpcollaborator.net"])  # fmt: skip
def test_public_names_for_loopback_are_refused(name: str) -> None:
    verdict = name_verdict(name)
    assert verdict is not None and verdict.reason == "loopback"


def test_wildcard_names_with_public_addresses_are_left_to_dns() -> None:
    assert name_verdict("8.8.8.8.nip.io") is None
    assert name_verdict("1-1-1-1.sslip.io") is None
    assert name_verdict("nip.io") is None
