"""Which addresses are public: every special-purpose range, and IPv6 forms carrying IPv4."""

from __future__ import annotations

import ipaddress

import pytest

from thera_sdk.net import classify_address, embedded_ipv4, is_public_address

REFUSED = [
    # (address, reason)
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "unspecified"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.1", "cgnat"),
    ("100.127.255.254", "cgnat"),
    ("100.100.100.200", "cloud_metadata"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.0.1", "link_local"),
    ("169.254.169.254", "cloud_metadata"),
    ("169.254.170.2", "cloud_metadata"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.1", "ietf_protocol"),
    ("192.0.0.192", "cloud_metadata"),
    ("192.0.0.170", "ietf_protocol"),
    ("192.0.2.1", "documentation"),
    ("192.88.99.1", "reserved"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.1.2.3", "private"),
    ("::ffff:169.254.169.254", "cloud_metadata"),
    ("::127.0.0.1", "loopback"),
    ("::8.8.8.8", "ipv4_compatible"),
    ("64:ff9b::a9fe:a9fe", "cloud_metadata"),
    ("64:ff9b::7f00:1", "loopback"),
    ("64:ff9b::c0a8:101", "private"),
    ("64:ff9b:1::1", "nat64_local"),
    ("64:ff9b:1:ffff::a9fe:a9fe", "nat64_local"),
    ("2002:7f00:1::", "loopback"),
    ("2002:a9fe:a9fe::1", "cloud_metadata"),
    ("2002:c0a8:101::", "private"),
    ("2001::1", "teredo"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "teredo"),
    ("2001:2::1", "benchmarking"),
    ("2001:10::1", "ietf_protocol"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("5f00::1", "reserved"),
    ("100::1", "reserved"),
    ("fc00::1", "unique_local"),
    ("fd00::1", "unique_local"),
    ("fd00:ec2::254", "cloud_metadata"),
    ("fe80::1", "link_local"),
    ("fe80::1%eth0", "link_local"),
    ("fec0::1", "site_local"),
    ("ff02::1", "multicast"),
    ("4000::1", "reserved"),
]

PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.216.34",
    "100.63.255.255",
    "100.128.0.1",
    "172.32.0.1",
    "192.0.1.1",
    "198.17.255.255",
    "198.20.0.1",
    "223.255.255.254",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
]


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_non_public_addresses_are_refused_with_their_reason(address: str, reason: str) -> None:
    # WHEN an address is classified THEN it is refused for the expected reason
    verdict = classify_address(address)
    assert verdict is not None, address
    assert verdict.reason == reason
    assert not is_public_address(address)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert classify_address(address) is None
    assert is_public_address(ipaddress.ip_address(address))


def test_python_is_global_is_not_trusted_alone() -> None:
    # GIVEN two addresses Python calls global
    assert ipaddress.ip_address("192.0.0.192").is_global
    assert ipaddress.ip_address("64:ff9b::a9fe:a9fe").is_global
    # THEN both are refused, as metadata services
    for address in ("192.0.0.192", "64:ff9b::a9fe:a9fe"):
        verdict = classify_address(address)
        assert verdict is not None and verdict.reason == "cloud_metadata"


def test_embedded_address_is_reported_as_evidence() -> None:
    verdict = classify_address("::ffff:127.0.0.1")
    assert verdict is not None
    assert verdict.as_dict() == {
        "address": "::ffff:7f00:1",
        "reason": "loopback",
        "detail": "loopback (127.0.0.0/8), inside an ipv4_mapped IPv6 address",
        "embedded_ipv4": "127.0.0.1",
    }


@pytest.mark.parametrize(
    ("address", "form", "inner"),
    [
        ("::ffff:1.2.3.4", "ipv4_mapped", "1.2.3.4"),
        ("64:ff9b::102:304", "nat64", "1.2.3.4"),
        ("2002:102:304::", "6to4", "1.2.3.4"),
        ("::102:304", "ipv4_compatible", "1.2.3.4"),
    ],
)
def test_embedded_ipv4_forms(address: str, form: str, inner: str) -> None:
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert found == (form, ipaddress.IPv4Address(inner))


def test_plain_ipv6_carries_no_ipv4() -> None:
    assert embedded_ipv4(ipaddress.IPv6Address("::1")) is None
    assert embedded_ipv4(ipaddress.IPv6Address("2606:4700::1")) is None
