"""The functions' zip: code and schemas in, caches out, reproducible, within Lambda's limit."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from thera_sdk.deploy import build_zip, lambda_requirements
from thera_sdk.deploy._package import CODE_DIRS, EXCLUDED


def _tree(root: Path) -> Path:
    for name in CODE_DIRS:
        (root / name).mkdir(parents=True)
        (root / name / "a.py").write_text(f"NAME = {name!r}\n")
    (root / "tasks" / "__pycache__").mkdir()
    (root / "tasks" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"x")
    return root


def test_zip_holds_the_code_and_dependencies_without_caches(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    deps = tmp_path / "deps"
    (deps / "httpx").mkdir(parents=True)
    (deps / "httpx" / "__init__.py").write_text("")
    info = build_zip(tmp_path / "out.zip", root=root, dependencies=deps)
    names = zipfile.ZipFile(info.path).namelist()
    assert names == [*(f"{d}/a.py" for d in CODE_DIRS), "httpx/__init__.py"]
    assert info.key == f"lambda/thera-functions-{info.sha256[:16]}.zip"


def test_zip_is_reproducible(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    first = build_zip(tmp_path / "one.zip", root=root)
    second = build_zip(tmp_path / "two.zip", root=root)
    assert first.sha256 == second.sha256


def test_zip_over_the_limit_is_refused(tmp_path: Path) -> None:
    root = _tree(tmp_path / "src")
    with pytest.raises(ValueError, match="over Lambda's 250 MB"):
        build_zip(tmp_path / "big.zip", root=root, layer_allowance=250 * 1024 * 1024)
    assert not (tmp_path / "big.zip").exists()


def test_requirements_leave_out_what_lambda_or_the_layer_provides() -> None:
    names = {r.split(">")[0].split("=")[0].strip().lower() for r in lambda_requirements()}
    assert "httpx" in names and "jsonschema" in names
    assert not names & {name.lower() for name in EXCLUDED}
