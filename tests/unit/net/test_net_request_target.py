"""The request target the safe transport sends for a parsed URL is the one httpx would send."""

from __future__ import annotations

import httpx
import pytest

from thera_sdk.net import parse_url
from thera_sdk.net._transport import _request_target

TARGETS = [
    "/",
    "/a/b?c=d&e=f",
    "/a%20b",
    "/a b",
    "/a<b>",
    "/a%zz",
    '/x"y',
    "/café?q=ü",
    "/a{b}|c^d`e",
    "/~user/;p=1,2@x:y",
    "/%E2%82%AC",
]


@pytest.mark.parametrize("target", TARGETS)
def test_the_target_is_the_one_httpx_sends(target: str) -> None:
    url = parse_url("https://example.com" + target)
    assert _request_target(url) == httpx.URL(url.url).raw_path
