"""Silver rows, configuration from options and environment, schemas and exported names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasks.domain_health import build_config, config_from_env
from tasks.domain_health._rows import ROW_SCHEMA, to_table
from tasks.domain_health.handler import read_lines
from thera_sdk import ConfigurationError, ValidationError
from thera_sdk._schemas import check
from thera_sdk.testweb import TestWebSettings

RECORD = {
    "input": "acme.test",
    "domain": "acme.test",
    "url": "http://acme.test/",
    "status": "checked",
    "score": 90,
    "flags": ["tls_expiring"],
    "evidence": {"tls_expiring": {"days_to_expiry": 5}},
    "dns": {
        "status": "ok",
        "a": ["203.0.113.1"],
        "aaaa": ["2001:db8::1"],
        "mx": ["10 mx.acme.test"],
    },
    "http": {"status": 301, "final_url": "https://acme.test/"},
    "https": {"status": 200, "final_url": "https://acme.test/"},
    "tls": {"valid": True, "protocol": "TLSv1.3", "days_to_expiry": 5},
    "content": {"title": "Acme", "bytes": 900, "text_chars": 500},
    "error": None,
    "checked_at": "2025-01-31T10:00:00+00:00",
    "elapsed_ms": 12.5,
}


def test_rows_flatten_the_record_and_keep_it_whole() -> None:
    table = to_table([RECORD, dict(RECORD, dns=None, tls=None, content=None, https=None)])
    assert table.schema == ROW_SCHEMA
    row = table.to_pylist()[0]
    assert row["addresses"] == ["203.0.113.1", "2001:db8::1"]
    assert (row["https_status"], row["final_url"], row["tls_days_to_expiry"]) == (
        200, "https://acme.test/", 5,
    )  # fmt: skip
    assert json.loads(row["record_json"])["evidence"] == RECORD["evidence"]
    bare = table.to_pylist()[1]
    assert bare["tls_valid"] is None and bare["final_url"] == "https://acme.test/"


def test_read_lines_accepts_text_and_jsonl() -> None:
    data = b'\xef\xbb\xbfacme.test\n\n{"url": "https://b.test/"}\n{"domain": "c.test"}\n'
    assert read_lines(data) == ["acme.test", "https://b.test/", "c.test"]
    with pytest.raises(ValidationError, match="Line 1"):
        read_lines(b"{not json\n")


def test_build_config_options(tmp_path: Path) -> None:
    config = build_config(nameservers=["127.0.0.1:5353"], concurrency=7,
                          options={"timeout_seconds": 10, "max_redirects": 3})  # fmt: skip
    assert config.nameservers == ("127.0.0.1:5353",)
    assert (config.concurrency, config.max_redirects, config.timeouts.domain) == (7, 3, 10.0)
    assert not config.policy.allow_private_networks
    with pytest.raises(ConfigurationError, match="Unknown option"):
        build_config(options={"colour": "blue"})
    with pytest.raises(ConfigurationError, match="HOST:PORT"):
        build_config(nameservers=["not-an-address"])
    with pytest.raises(ConfigurationError, match="concurrency"):
        build_config(concurrency=0)


def test_build_config_from_test_web_settings(tmp_path: Path) -> None:
    settings = TestWebSettings(
        "127.0.0.1:5300", str(tmp_path / "ca.pem"), {("203.0.113.1", 443): ("127.0.0.1", 4443)}
    )
    path = settings.write(tmp_path / "web.json")
    config = build_config(testweb=str(path))
    assert config.nameservers == ("127.0.0.1:5300",)
    assert config.ca_bundle == str(tmp_path / "ca.pem")
    assert dict(config.policy.dial_map) == {("203.0.113.1", 443): ("127.0.0.1", 4443)}
    with pytest.raises(ConfigurationError, match="Cannot read test web settings"):
        build_config(testweb=str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ConfigurationError, match="not valid"):
        build_config(testweb=str(tmp_path / "bad.json"))


def test_config_from_env() -> None:
    config = config_from_env({"THERA_NAMESERVER": "10.0.0.2:53, 10.0.0.3"})
    assert config.nameservers == ("10.0.0.2:53", "10.0.0.3")
    assert config_from_env({"THERA_ALLOW_PRIVATE_NETWORKS": "1"}).policy.allow_private_networks
    with pytest.raises(ConfigurationError, match="THERA_BACKEND=aws"):
        config_from_env({"THERA_ALLOW_PRIVATE_NETWORKS": "true", "THERA_BACKEND": "aws"})


def test_event_schema() -> None:
    check("domain_health_event", {"date": "2025-01-31", "domains": ["a.test"], "batch_id": "b1"})
    check("domain_health_event", {"date": "2025-01-31", "source": {"key": "in/domains.txt"}})
    with pytest.raises(ValidationError, match="domains"):
        check("domain_health_event", {"date": "2025-01-31", "domains": []})
    with pytest.raises(ValidationError, match="date"):
        check("domain_health_event", {"date": "31/01/2025", "domains": ["a.test"]})
    with pytest.raises(ValidationError, match="allow_private_networks"):
        check("domain_health_event", {"date": "2025-01-31", "domains": ["a.test"],
                                      "allow_private_networks": True})  # fmt: skip
    with pytest.raises(ValidationError, match="is valid under each of"):
        check(
            "domain_health_event", {"date": "2025-01-31", "domains": ["a"], "source": {"key": "k"}}
        )
