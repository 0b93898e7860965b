"""`thera build`, `thera workflows graph` and `thera deploy` (against a moto server)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3
import pytest
from click.testing import CliRunner

from thera_sdk.cli import main
from thera_sdk.deploy import deploy, load_workflows

# moto skips (with a warning) the resource types it cannot create; see deploy_moto.py
MOTO_SKIPS = "ignore:Tried to parse .* not supported by moto:UserWarning"


_CREDENTIAL_SOURCES = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _needs_workflows() -> None:
    if not load_workflows():
        pytest.skip("workflows/daily.py and workflows/weekly_training.py are not written yet")


def test_build_writes_asl_templates_and_ddl(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for workflow in load_workflows():
        asl = json.loads((tmp_path / "asl" / f"{workflow.name}.json").read_text())
        assert asl == workflow.compile()
    template = json.loads((tmp_path / "cloudformation" / "thera.json").read_text())
    assert "DailyStateMachine" in template["Resources"]
    assert (tmp_path / "sql" / "ddl" / "silver_companies.sql").exists()
    assert not (tmp_path / "lambda").exists()


def test_build_package_writes_the_zip(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path), "--package"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "lambda" / "thera-functions.zip").stat().st_size > 0
    assert "zip sha256" in result.output


def test_graph_prints_mermaid() -> None:
    result = CliRunner().invoke(main, ["workflows", "graph", "daily"])
    assert result.exit_code == 0, result.output
    assert "flowchart TD" in result.output
    assert "(Map, distributed)" in result.output


def test_graph_of_an_unknown_workflow_names_the_known_ones() -> None:
    result = CliRunner().invoke(main, ["workflows", "graph", "nightly"])
    assert result.exit_code == 1
    assert "No workflow named 'nightly'; the known ones are: daily" in result.output


def test_deploy_without_credentials_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN an environment where boto3's credential chain finds nothing
    for name in _CREDENTIAL_SOURCES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    result = CliRunner().invoke(
        main, ["deploy", "--env", "dev", "--region", "us-east-1", "--layer-arn", "arn:x"]
    )
    assert result.exit_code == 1
    assert "No AWS credentials found" in result.output


@pytest.mark.filterwarnings(MOTO_SKIPS)
def test_deploy_creates_then_updates_the_stack(moto_endpoint: str, tmp_path: Path) -> None:
    # GIVEN credentials and a moto server standing in for AWS
    session = boto3.Session(region_name="us-east-1")
    stack = f"thera-d{uuid.uuid4().hex[:8]}"
    lines: list[str] = []
    deps = tmp_path / "deps"  # given, so no pip install runs in the test
    deps.mkdir()
    # WHEN the stack is deployed, then deployed again
    first = deploy(
        "dev", "us-east-1", out=tmp_path, session=session, endpoint_url=moto_endpoint,
        stack=stack, dependencies=deps, echo=lines.append, sleep=lambda _: None,
    )  # fmt: skip
    second = deploy(
        "dev", "us-east-1", out=tmp_path, session=session, endpoint_url=moto_endpoint,
        stack=stack, dependencies=deps, echo=lines.append, sleep=lambda _: None,
    )  # fmt: skip
    # THEN the bootstrap bucket holds the zip the functions run, and the outputs are printed
    assert first.status == "CREATE_COMPLETE"
    assert second.status in {"CREATE_COMPLETE", "UPDATE_COMPLETE"}
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1")
    bucket = f"{stack}-artifacts-123456789012-us-east-1"  # moto's account id
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.startswith("lambda/thera-functions-") for k in keys)
    assert any(k.startswith("templates/thera-") for k in keys)
    assert first.outputs["DataBucketName"].startswith(f"{stack}-data-")
    assert any('"DataBucketName"' in line for line in lines)
