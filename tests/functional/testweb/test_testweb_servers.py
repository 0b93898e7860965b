"""The test web's DNS, HTTP and HTTPS servers, spoken to directly."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from thera_sdk.net import Resolver
from thera_sdk.testweb import (
    Page,
    Site,
    TestWeb,
    TestWebSettings,
    default_sites,
    generate_sites,
    healthy_page,
)


def lookup(settings: TestWebSettings, name: str, timeout: float = 2.0):  # type: ignore[no-untyped-def]
    async def run():  # type: ignore[no-untyped-def]
        resolver = settings.resolver(timeout=timeout)
        try:
            return await resolver.lookup(name)
        finally:
            await resolver.aclose()

    return asyncio.run(run())


def test_dns_answers_for_sites_their_www_and_mail_names(
    web: TestWeb, settings: TestWebSettings
) -> None:
    answer = lookup(settings, "healthy.test")
    assert answer.status == "ok"
    assert answer.addresses == web.address_of("healthy.test")
    assert answer.a[0].startswith("203.0.113.") and answer.aaaa[0].startswith("2001:db8:")
    assert answer.mx == ("10 mail.healthy.test",)
    assert lookup(settings, "www.healthy.test").a == answer.a
    assert lookup(settings, "mail.healthy.test").status == "ok"


def test_dns_cname_and_explicit_addresses(settings: TestWebSettings) -> None:
    alias = lookup(settings, "alias.test")
    assert alias.cname == ("healthy.test",)
    assert alias.a == lookup(settings, "healthy.test").a
    assert lookup(settings, "private-name.test").a == ("10.0.0.7",)
    assert lookup(settings, "mapped-name.test").aaaa == ("::ffff:127.0.0.1",)
    assert lookup(settings, "no-mx.test").mx_status == "none"


@pytest.mark.parametrize(
    ("name", "status"),
    [("nxdomain.test", "nxdomain"), ("not-a-site.test", "nxdomain"), ("servfail.test", "servfail"),
     ("dns-timeout.test", "timeout")],
)  # fmt: skip
def test_dns_failures(settings: TestWebSettings, name: str, status: str) -> None:
    started = time.monotonic()
    assert lookup(settings, name, timeout=0.6).status == status
    assert time.monotonic() - started < 3


def test_a_nameserver_that_is_not_there_fails_fast() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = TestWebSettings(f"127.0.0.1:{port}", "unused.pem")
    assert lookup(settings, "healthy.test", timeout=1.0).status in ("servfail", "timeout")


def test_dns_answers_are_counted(web: TestWeb, settings: TestWebSettings) -> None:
    before = web.dns_queries
    lookup(settings, "empty.test")
    assert web.dns_queries - before == 3  # A, AAAA, MX


def http_get(web: TestWeb, host: str, path: str = "/", **kw: object) -> httpx.Response:
    with httpx.Client(timeout=5) as client:
        return client.get(f"http://127.0.0.1:{web.http_port}{path}", headers={"Host": host}, **kw)  # type: ignore[arg-type]


def test_http_routes_by_host_header(web: TestWeb) -> None:
    redirect = http_get(web, "healthy.test", "/team?x=1")
    assert redirect.status_code == 301
    assert redirect.headers["location"] == "https://healthy.test/team?x=1"
    served = http_get(web, "www.no-https-redirect.test")
    assert served.status_code == 200 and "<title>Sample Company</title>" in served.text
    assert http_get(web, "server-error.test:80").status_code == 301
    assert http_get(web, "unknown.test").status_code == 421
    assert any(r.host == "unknown.test" for r in web.requests)


def test_http_keep_alive_head_and_close(web: TestWeb) -> None:
    with httpx.Client(timeout=5) as client:
        url = f"http://127.0.0.1:{web.http_port}/"
        headers = {"Host": "no-https-redirect.test"}
        first = client.get(url, headers=headers)
        second = client.head(url, headers=headers)
        third = client.get(url, headers={**headers, "Connection": "close"})
    assert first.status_code == second.status_code == third.status_code == 200
    assert second.content == b"" and int(second.headers["content-length"]) > 0
    assert third.headers["connection"] == "close"


def test_malformed_request_gets_400(web: TestWeb) -> None:
    with socket.create_connection(("127.0.0.1", web.http_port), timeout=5) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 400")


def tls_handshake(web: TestWeb, name: str) -> ssl.SSLSocket:
    context = ssl.create_default_context(cafile=web.ca_bundle)
    raw = socket.create_connection(("127.0.0.1", web.https_port), timeout=5)
    return context.wrap_socket(raw, server_hostname=name)


def test_https_certificates_from_the_test_ca(web: TestWeb) -> None:
    with tls_handshake(web, "healthy.test") as tls:
        cert: Any = tls.getpeercert()
        assert [v for _, v in cert["subjectAltName"]] == ["healthy.test", "www.healthy.test"]
    with tls_handshake(web, "www.expiring-cert.test") as tls:
        cert = tls.getpeercert()
        not_after = ssl.cert_time_to_seconds(cert["notAfter"])
        assert 4 * 86400 < not_after - time.time() < 6 * 86400


@pytest.mark.parametrize(
    ("name", "message"),
    [("expired-cert.test", "certificate has expired"), ("wrong-host.test", "Hostname mismatch"),
     ("untrusted-cert.test", "unable to get local issuer certificate"),
     ("unknown-name.test", "Hostname mismatch")],
)  # fmt: skip
def test_broken_certificates(web: TestWeb, name: str, message: str) -> None:
    with pytest.raises(ssl.SSLCertVerificationError, match=message):
        tls_handshake(web, name)


def test_refused_ports_and_the_canary(web: TestWeb) -> None:
    address = web.address_of("http-only.test")[0]
    target = web.dial_map()[(address, 443)]
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(target, timeout=5)
    before = web.canary_connections
    socket.create_connection(("127.0.0.1", web.canary_port), timeout=5).close()
    deadline = time.monotonic() + 5
    while web.canary_connections == before and time.monotonic() < deadline:
        time.sleep(0.01)
    assert web.canary_connections == before + 1


def test_slow_sites_wait_before_answering() -> None:
    site = Site("slowish.test", pages={"/": healthy_page("Slowish")}, http="serve", latency=0.3)
    with TestWeb([site], latency=0.1) as web:
        started = time.monotonic()
        assert http_get(web, "slowish.test").status_code == 200
        assert time.monotonic() - started >= 0.4


def test_settings_round_trip_and_policy(web: TestWeb, tmp_path: Path) -> None:
    settings = web.settings()
    path = settings.write(tmp_path / "web.json")
    assert TestWebSettings.read(path) == settings
    assert json.loads(path.read_text())["nameserver"] == web.nameserver
    policy = settings.policy()
    assert not policy.allow_private_networks
    assert policy.dial_map[(web.address_of("healthy.test")[0], 443)] == (
        "127.0.0.1",
        web.https_port,
    )
    assert settings.ssl_context().verify_mode == ssl.CERT_REQUIRED
    assert isinstance(settings.resolver(), Resolver)


def test_lifecycle_and_errors(tmp_path: Path) -> None:
    web = TestWeb([Site("a.test", pages={"/": Page("hi")})], directory=tmp_path)
    with pytest.raises(RuntimeError, match="not running"):
        web.settings()
    with web:
        port = web.http_port
        with pytest.raises(RuntimeError, match="already running"):
            web.start()
        assert (tmp_path / "testweb-ca.pem").exists()
    web.stop()  # a second stop does nothing
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    with pytest.raises(ValueError, match="share a domain"):
        TestWeb([Site("a.test"), Site("a.test")])


def test_generated_sites_are_stable_and_served() -> None:
    sites = generate_sites(200, seed=3)
    assert [s.domain for s in sites] == [s.domain for s in generate_sites(200, seed=3)]
    healthy = [s for s in sites if s.dns == "ok" and "/pricing" in s.pages and s.cert == "valid"]
    assert len(healthy) > 120
    with TestWeb(default_sites() + sites) as web:
        settings = web.settings()
        assert len(settings.domains) == len(default_sites()) + 200
        with tls_handshake(web, healthy[0].domain) as tls:
            tls.sendall(f"GET /pricing HTTP/1.1\r\nHost: {healthy[0].domain}\r\n\r\n".encode())
            assert b"Pricing" in tls.recv(4096)


def test_command_line_serves_until_terminated(tmp_path: Path) -> None:
    path = tmp_path / "web.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "thera_sdk.testweb", "--sites", "5", "--settings", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    try:
        deadline = time.monotonic() + 30
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        settings = TestWebSettings.read(path)
        assert len(settings.domains) == len(default_sites()) + 5
        assert lookup(settings, "healthy.test").status == "ok"
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert b"test web up" in out
