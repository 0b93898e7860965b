"""The SSRF bypass corpus of the health-check suite, through ``thera scrape``: every line is
flagged ``blocked_private_address`` and nothing private is reached.

The corpus is read from ``tests/functional/domain_health/test_health_ssrf_corpus.py`` so both
commands face the same forms; the test is skipped if that file is not there.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from thera_sdk.cli import main
from thera_sdk.testweb import TestWeb

CORPUS_FILE = Path(__file__).parents[1] / "domain_health" / "test_health_ssrf_corpus.py"


def _corpus_module() -> ModuleType:
    if not CORPUS_FILE.exists():
        pytest.skip(f"{CORPUS_FILE} is not there")
    spec = importlib.util.spec_from_file_location("health_ssrf_corpus", CORPUS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_bypass_form_is_flagged_and_nothing_is_reached(
    tmp_path: Path, web: TestWeb
) -> None:
    corpus = _corpus_module()
    lines = [line.replace("{c}", str(web.canary_port))
             for line in corpus.CORPUS.strip().splitlines() + corpus.EXTRA]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = web.settings().write(tmp_path / "web.json")
    canary, requests_before = web.canary_connections, len(web.requests)

    result = CliRunner().invoke(
        main, ["scrape", str(path), "--testweb", str(settings), "--json", "--timeout", "4"],
        catch_exceptions=False,
    )

    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["input"] for r in records] == [line.strip() for line in lines]
    assert [r["input"] for r in records if r["flags"] != ["blocked_private_address"]] == []
    assert web.canary_connections == canary
    fetched = {r.host for r in web.requests[requests_before:]}
    assert fetched <= {"redirect-private.test", "redirect-metadata.test",
                       "redirect-private-name.test"}
