"""Adapters of every storage port, parametrised over the local backend and AWS (moto server).

Each fixture yields a fresh store: local ones under the test's ``tmp_path``, AWS ones as boto3
clients pointed at the session's moto server (see ``tests/functional/conftest.py``), with unique
bucket, table and parameter names so tests never share state.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from thera_sdk.storage import (
    DynamoDBTableStore,
    LocalObjectStore,
    LocalParameterStore,
    LocalSecretStore,
    LocalTableStore,
    ObjectStore,
    ParameterStore,
    S3ObjectStore,
    SecretsManagerSecretStore,
    SecretStore,
    SsmParameterStore,
    TableStore,
)


def aws_client(request: pytest.FixtureRequest, service: str) -> Any:
    """A boto3 client for ``service`` aimed at the moto server."""
    endpoint = request.getfixturevalue("moto_endpoint")
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


@pytest.fixture(params=["local", "aws"])
def backend(request: pytest.FixtureRequest) -> str:
    """Which adapter the test runs against."""
    return str(request.param)


@pytest.fixture
def objects(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> ObjectStore:
    """An objects store of the backend under test."""
    if backend == "local":
        return LocalObjectStore(tmp_path / "objects")
    return S3ObjectStore(aws_client(request, "s3"))


@pytest.fixture
def bucket(objects: ObjectStore, unique_name: str) -> str:
    """A new, empty bucket."""
    objects.create_bucket(unique_name)
    return unique_name


@pytest.fixture
def tables(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TableStore]:
    """A tables store of the backend under test."""
    store: TableStore
    if backend == "local":
        store = LocalTableStore(tmp_path / "tables.sqlite3")
    else:
        store = DynamoDBTableStore(aws_client(request, "dynamodb"))
    yield store
    store.close()


@pytest.fixture
def parameters(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[ParameterStore]:
    """A parameters store of the backend under test."""
    store: ParameterStore
    if backend == "local":
        store = LocalParameterStore(tmp_path / "parameters.sqlite3")
    else:
        store = SsmParameterStore(aws_client(request, "ssm"))
    yield store
    store.close()


@pytest.fixture
def secrets(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> SecretStore:
    """A secrets store of the backend under test (local: files only, no environment)."""
    if backend == "local":
        return LocalSecretStore(tmp_path / "secrets", environ={})
    return SecretsManagerSecretStore(aws_client(request, "secretsmanager"))
