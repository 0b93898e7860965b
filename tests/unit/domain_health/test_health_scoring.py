"""Flags and score from check results (built by hand: the checks themselves are functional)."""

from __future__ import annotations

from typing import Any

import pytest

from tasks.domain_health import FATAL, PENALTIES, score
from tasks.domain_health._chains import ChainResult, Hop
from tasks.domain_health._content import analyse_content
from tasks.domain_health._scoring import assess, same_site
from thera_sdk.net import DnsLookup, TlsInfo

OK_DNS = DnsLookup("acme.test", "ok", a=("203.0.113.1",), mx=("10 mail.acme.test",))


def chain(scheme: str, status: int | None = 200, **kw: Any) -> ChainResult:
    start = f"{scheme}://acme.test/"
    result = ChainResult(scheme, start, hops=[Hop(start, status=status)], **kw)
    if status is not None and "final_url" not in kw:
        result.final_url, result.status = start, status
    return result


def tls(days: int) -> TlsInfo:
    return TlsInfo("TLSv1.3", "AES", None, "2030-01-01", days, None, "CA", ("acme.test",))


def run(**kw: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "host": "acme.test",
        "dns": OK_DNS,
        "http": chain("http", 301, upgraded_to_https=True, final_url="https://acme.test/"),
        "https": chain("https", tls=tls(200)),
        "content": None,
    }
    defaults.update(kw)
    return assess(**defaults)


def page(text: str, status: int = 200) -> tuple[ChainResult, Any]:
    return chain("https", status), analyse_content(text.encode(), "text/html")


GOOD_TEXT = "<title>Acme</title><p>" + "We build useful things for customers. " * 20 + "</p>"


def test_healthy_site_has_no_flags_and_scores_100() -> None:
    flags = run(content=page(GOOD_TEXT))
    assert flags == {}
    assert score(flags) == 100


def test_score_arithmetic_and_fatal_flags() -> None:
    assert score({"tls_expiring", "no_mx"}) == 100 - PENALTIES["tls_expiring"] - PENALTIES["no_mx"]
    assert score({"parked", "default_page"}) == 0  # never below zero
    for flag in FATAL:
        assert score({flag}) == 0


@pytest.mark.parametrize("status", ["nxdomain", "servfail", "timeout", "no_address"])
def test_dns_failures(status: str) -> None:
    flags = run(dns=DnsLookup("acme.test", status, error="e"), http=None, https=None)
    assert flags == {"dns_fail": {"status": status, "error": "e"}}


def test_no_mx() -> None:
    dns = DnsLookup("acme.test", "ok", a=("203.0.113.1",), mx_status="none")
    assert "no_mx" in run(dns=dns, content=page(GOOD_TEXT))


def test_unreachable_and_http_only() -> None:
    dead_http = chain("http", None, error_kind="connect", error="refused")
    dead_https = chain("https", None, error_kind="connect", error="refused")
    flags = run(http=dead_http, https=dead_https)
    assert flags["unreachable"]["http"] == "connect"
    only_http = chain("http", 200)
    flags = run(http=only_http, https=dead_https, content=(only_http, analyse_content(b"", "")))
    assert "http_only" in flags and "unreachable" not in flags


def test_tls_invalid_and_expiring() -> None:
    expired = {"reason": "expired", "message": "certificate has expired"}
    broken = chain("https", None, error_kind="tls", tls_error=expired)
    flags = run(https=broken, certificate={"days_to_expiry": -3})
    assert flags["tls_invalid"]["reason"] == "expired"
    assert flags["tls_invalid"]["certificate"] == {"days_to_expiry": -3}
    assert "http_only" not in flags
    flags = run(https=chain("https", tls=tls(5)), content=page(GOOD_TEXT))
    assert flags["tls_expiring"]["days_to_expiry"] == 5
    assert "tls_expiring" not in run(https=chain("https", tls=tls(5)), tls_expiry_days=3)


def test_redirect_flags() -> None:
    looped = chain("https", 302, error_kind="redirect_loop", final_url=None)
    assert "redirect_loop" in run(https=looped)
    many = chain("https", 302, error_kind="too_many_redirects", final_url=None)
    assert "too_many_redirects" in run(https=many)
    away = chain("https", final_url="https://other.test/")
    assert run(https=away)["redirect_offsite"]["to"] == "https://other.test/"
    www = chain("https", final_url="https://www.acme.test/home")
    assert "redirect_offsite" not in run(https=www)


def test_blocked_targets_split_into_private_address_and_port() -> None:
    private = {"url": "http://10.0.0.1/", "refused": [{"reason": "private"}]}
    port = {"url": "http://acme.test:22/", "refused": [{"reason": "port_not_allowed"}]}
    flags = run(https=chain("https", 302, blocked=[private, port], error_kind="blocked"))
    assert flags["blocked_private_address"]["targets"] == [private]
    assert flags["blocked_port"]["targets"] == [port]


def test_timeouts_and_slow_responses() -> None:
    slow = chain("https", slowest_ms=4000.0)
    flags = run(https=slow, content=page(GOOD_TEXT))
    assert flags["slow_response"] == {"https": 4000.0}
    timed_out = chain("https", None, error_kind="timeout", error="timed out")
    assert run(https=timed_out)["timeout"] == {"https": "timed out"}


def test_no_https_redirect() -> None:
    plain = chain("http", 200)
    flags = run(http=plain, content=page(GOOD_TEXT))
    assert flags["no_https_redirect"] == {"http_final_url": "http://acme.test/"}


@pytest.mark.parametrize(
    ("html", "status", "flag"),
    [
        (GOOD_TEXT, 404, "http_error"),
        (GOOD_TEXT, 503, "server_error"),
        ("<p>Buy this domain</p>", 200, "parked"),
        ("<title>Welcome to nginx!</title>", 200, "default_page"),
        ("<h1>Coming soon</h1>", 200, "placeholder"),
        ("", 200, "thin_content"),
    ],
)
def test_content_flags(html: str, status: int, flag: str) -> None:
    assert flag in run(content=page(html, status))


def test_placeholder_phrase_in_a_long_page_is_not_a_placeholder() -> None:
    html = GOOD_TEXT * 5 + "<p>New product coming soon.</p>"
    assert "placeholder" not in run(content=page(html))


def test_same_site() -> None:
    assert same_site("acme.test", "www.acme.test")
    assert same_site("shop.acme.com", "blog.acme.com")
    assert not same_site("acme.test", "healthy.test")
