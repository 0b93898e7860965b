"""Hypothesis strategies: non-public addresses and the many ways a URL can spell them."""

from __future__ import annotations

import ipaddress

from hypothesis import strategies as st

V4_NETWORKS = [
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
]  # fmt: skip
V6_NETWORKS = [
    "::1/128", "::/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001::/32",
    "2001:db8::/32", "64:ff9b:1::/48", "100::/64", "5f00::/16", "3fff::/20",
]  # fmt: skip
METADATA_V4 = ["169.254.169.254", "100.100.100.200", "192.0.0.192", "169.254.170.2"]


def _in(network: str) -> st.SearchStrategy[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    net = ipaddress.ip_network(network)
    low, high = int(net.network_address), int(net.broadcast_address)
    return st.integers(low, high).map(type(net.network_address))


non_public_v4: st.SearchStrategy[ipaddress.IPv4Address] = st.one_of(
    st.sampled_from(METADATA_V4).map(ipaddress.IPv4Address), *(_in(n) for n in V4_NETWORKS)
)


def _embed(form: str, v4: ipaddress.IPv4Address) -> ipaddress.IPv6Address:
    n = int(v4)
    if form == "mapped":
        return ipaddress.IPv6Address((0xFFFF << 32) | n)
    if form == "nat64":
        return ipaddress.IPv6Address((0x64FF9B << 96) | n)
    if form == "6to4":
        return ipaddress.IPv6Address((0x2002 << 112) | (n << 80) | 1)
    return ipaddress.IPv6Address(n if n > 1 else n + 2)  # IPv4-compatible


non_public_v6: st.SearchStrategy[ipaddress.IPv6Address] = st.one_of(
    *(_in(n) for n in V6_NETWORKS),
    st.sampled_from(["fd00:ec2::254", "64:ff9b::a9fe:a9fe"]).map(ipaddress.IPv6Address),
    st.builds(_embed, st.sampled_from(["mapped", "nat64", "6to4", "compat"]), non_public_v4),
)

_FULLWIDTH = str.maketrans("0123456789.", "".join(chr(0xFF10 + i) for i in range(10)) + "\uff0e")


@st.composite
def _number(draw: st.DrawFn, value: int) -> str:
    style = draw(st.sampled_from(["dec", "oct", "hex", "HEX"]))
    if style == "dec":
        return str(value)
    if style == "oct":
        return "0" * draw(st.integers(1, 3)) + format(value, "o")
    digits = format(value, "x" if style == "hex" else "X")
    return draw(st.sampled_from(["0x", "0X"])) + "0" * draw(st.integers(0, 2)) + digits


@st.composite
def ipv4_spelling(draw: st.DrawFn, address: ipaddress.IPv4Address) -> str:
    """One of the many texts browsers read as ``address``."""
    n = int(address)
    parts_count = draw(st.integers(1, 4))
    octets = list(n.to_bytes(4, "big"))
    head = octets[: parts_count - 1]
    tail = int.from_bytes(bytes(octets[parts_count - 1 :]), "big")
    parts = [draw(_number(v)) for v in head] + [draw(_number(tail))]
    text = ".".join(parts) + draw(st.sampled_from(["", "."]))
    if draw(st.booleans()) and text.isascii() and all(c in "0123456789." for c in text):
        text = text.translate(_FULLWIDTH) if draw(st.booleans()) else text.replace(".", "\u3002")
    if draw(st.booleans()):
        text = "".join(f"%{ord(c):02X}" if c.isascii() and draw(st.booleans()) else c for c in text)
    return text


@st.composite
def ipv6_spelling(draw: st.DrawFn, address: ipaddress.IPv6Address) -> str:
    """A bracketed IPv6 literal for ``address``, in one of its written forms."""
    style = draw(st.sampled_from(["compressed", "exploded", "upper", "dotted"]))
    if style == "exploded":
        text = address.exploded
    elif style == "upper":
        text = address.compressed.upper()
    elif style == "dotted" and int(address) >> 32 in (0, 0xFFFF, 0x64FF9B << 64):
        prefix = {0: "::", 0xFFFF: "::ffff:", 0x64FF9B << 64: "64:ff9b::"}[int(address) >> 32]
        text = prefix + str(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    else:
        text = address.compressed
    return f"[{text}]"


@st.composite
def non_public_url(draw: st.DrawFn) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """A URL text whose host, read the browser way, is a non-public address."""
    address: ipaddress.IPv4Address | ipaddress.IPv6Address
    if draw(st.booleans()):
        v4 = draw(non_public_v4)
        address, host = v4, draw(ipv4_spelling(v4))
    else:
        v6 = draw(non_public_v6)
        address, host = v6, draw(ipv6_spelling(v6))
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTTpS"]))
    slashes = draw(st.sampled_from(["://", ":/", ":\\\\", ":///", ":/\\", ":"]))
    userinfo = draw(st.sampled_from(["", "user@", "user:pass@", "a@b@", "example.com@", "x:80@"]))
    port = draw(st.sampled_from(["", ":80", ":443", ":8080", ":0080"]))
    path = draw(st.sampled_from(["", "/", "/latest/meta-data/", "?x=1", "#frag", "\\admin"]))
    return f"{scheme}{slashes}{userinfo}{host}{port}{path}", address
