"""The secrets contract, and the local adapter's refusal of files others can read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from thera_sdk import AccessDeniedError, SecretNotFoundError, ValidationError
from thera_sdk.storage import LocalSecretStore, SecretStore


def test_put_then_get_a_json_secret(secrets: SecretStore, unique_name: str) -> None:
    name = f"thera/test/{unique_name}.v1"
    secrets.put(name, {"api_key": "k1", "retries": 3})
    assert secrets.get(name) == {"api_key": "k1", "retries": 3}
    secrets.put(name, {"api_key": "k2"})
    assert secrets.get(name) == {"api_key": "k2"}


def test_secrets_are_cached(secrets: SecretStore, unique_name: str) -> None:
    name = f"thera/test/{unique_name}"
    secrets.put(name, {"v": 1})
    first = secrets.get(name)
    first["v"] = 99  # the caller's copy, not the cache
    assert secrets.get(name) == {"v": 1}


def test_missing_secret_is_named(secrets: SecretStore, unique_name: str) -> None:
    with pytest.raises(SecretNotFoundError, match=unique_name):
        secrets.get(f"thera/test/{unique_name}")
    with pytest.raises(ValidationError):
        secrets.get("../etc/passwd")


def test_local_secret_from_the_environment(tmp_path: Path) -> None:
    store = LocalSecretStore(tmp_path, environ={"THERA_SECRET_THERA_DEV_APOLLO": '{"k": "v"}'})
    assert store.get("thera/dev/apollo") == {"k": "v"}


def test_local_secret_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    # GIVEN a secret file readable by the group
    store = LocalSecretStore(tmp_path, environ={})
    path = store.path("thera/dev/apollo")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"k": "super-secret-value"}))
    os.chmod(path, 0o640)
    # THEN it is refused with the fix to apply, and the value never appears in the message
    with pytest.raises(AccessDeniedError, match="chmod 600") as caught:
        store.get("thera/dev/apollo")
    assert "super-secret-value" not in str(caught.value)
    # AND once owner-only it is read
    os.chmod(path, 0o600)
    assert store.get("thera/dev/apollo") == {"k": "super-secret-value"}


def test_secret_that_is_not_a_json_object_is_refused_without_echo(tmp_path: Path) -> None:
    store = LocalSecretStore(tmp_path, environ={"THERA_SECRET_X": "hunter2"})
    with pytest.raises(ValidationError, match="not a JSON object") as caught:
        store.get("x")
    assert "hunter2" not in str(caught.value)


def test_local_put_writes_an_owner_only_file(tmp_path: Path) -> None:
    store = LocalSecretStore(tmp_path, environ={})
    store.put("thera/dev/firecrawl", {"api_key": "k"})
    assert store.path("thera/dev/firecrawl").stat().st_mode & 0o077 == 0
