"""Configuration: one :class:`Settings` read from the environment builds every storage port.

==========================  =================================================================
variable                    meaning (default)
==========================  =================================================================
``THERA_BACKEND``           ``local`` (embedded, the default) or ``aws``
``THERA_HOME``              local data home (``./.thera``)
``THERA_ENV``               environment name (``dev``)
``THERA_STACK``             stack name, the prefix of resource names (``thera-<env>``)
``THERA_REGION``            AWS region (else ``AWS_REGION``, ``AWS_DEFAULT_REGION``)
``THERA_ENDPOINT_URL``      one endpoint for every AWS client (a moto server in tests)
``THERA_BUCKET_<NAME>``     physical name of logical bucket ``<name>`` (``<stack>-<name>``)
``THERA_TABLE_<NAME>``      physical name of logical table ``<name>`` (``<stack>-<name>``)
``THERA_ATHENA_DATABASE``   Glue database (the stack name with ``_`` for ``-``)
``THERA_ATHENA_WORKGROUP``  Athena workgroup (``primary``)
``THERA_ATHENA_OUTPUT``     ``s3://`` location for Athena results (``s3://<data bucket>/athena/``)
``THERA_METRICS_NAMESPACE`` CloudWatch namespace (``Thera``)
==========================  =================================================================

Locally the data home holds ``objects/`` (one folder per bucket), ``tables.sqlite3``,
``parameters.sqlite3``, ``secrets/`` and ``sql/catalog.json``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from thera_sdk._exceptions import ConfigurationError

if TYPE_CHECKING:
    from thera_sdk.storage import (
        AsyncObjectStore,
        MetricsSink,
        ObjectStore,
        ParameterStore,
        SecretStore,
        SqlEngine,
        TableStore,
    )

__all__ = ["BACKENDS", "Ports", "Settings", "build_async_objects", "build_ports"]

BACKENDS = ("local", "aws")


def _logical(name: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9_-]*", name):
        raise ConfigurationError(
            f"Logical name {name!r} must be lowercase letters, digits, - or _."
        )
    return name


@dataclass(frozen=True)
class Settings:
    """Where Thera keeps its data, read once from the environment.

    Examples
    --------
    >>> settings = Settings.from_env({"THERA_ENV": "prod"})
    >>> settings.stack, settings.table_name("public"), settings.bucket_name("data")
    ('thera-prod', 'thera-prod-public', 'thera-prod-data')
    """

    backend: str = "local"
    home: Path = Path(".thera")
    env: str = "dev"
    stack: str = "thera-dev"
    region: str | None = None
    endpoint_url: str | None = None
    buckets: Mapping[str, str] = field(default_factory=dict)
    tables: Mapping[str, str] = field(default_factory=dict)
    athena_database: str | None = None
    athena_workgroup: str = "primary"
    athena_output: str | None = None
    metrics_namespace: str = "Thera"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ConfigurationError(
                f"THERA_BACKEND is {self.backend!r}; set it to 'local' or 'aws'."
            )
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", self.stack):
            raise ConfigurationError(
                f"Stack name {self.stack!r} must be lowercase letters, digits and hyphens "
                "(it prefixes bucket and table names); fix THERA_STACK or THERA_ENV."
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read the ``THERA_*`` variables (see the module docstring).

        Examples
        --------
        >>> Settings.from_env({"THERA_BACKEND": "aws", "THERA_REGION": "eu-west-1"}).region
        'eu-west-1'
        """
        env_vars = os.environ if environ is None else environ
        env = env_vars.get("THERA_ENV", "dev")
        prefixes = {"THERA_BUCKET_": {}, "THERA_TABLE_": {}}  # type: dict[str, dict[str, str]]
        for key, value in env_vars.items():
            for prefix, target in prefixes.items():
                if key.startswith(prefix) and value:
                    target[key[len(prefix) :].lower().replace("__", "-")] = value
        return cls(
            backend=env_vars.get("THERA_BACKEND", "local").strip().lower(),
            home=Path(env_vars.get("THERA_HOME", ".thera")),
            env=env,
            stack=env_vars.get("THERA_STACK", f"thera-{env}"),
            region=env_vars.get("THERA_REGION")
            or env_vars.get("AWS_REGION")
            or env_vars.get("AWS_DEFAULT_REGION"),
            endpoint_url=env_vars.get("THERA_ENDPOINT_URL") or None,
            buckets=prefixes["THERA_BUCKET_"],
            tables=prefixes["THERA_TABLE_"],
            athena_database=env_vars.get("THERA_ATHENA_DATABASE"),
            athena_workgroup=env_vars.get("THERA_ATHENA_WORKGROUP", "primary"),
            athena_output=env_vars.get("THERA_ATHENA_OUTPUT"),
            metrics_namespace=env_vars.get("THERA_METRICS_NAMESPACE", "Thera"),
        )

    def bucket_name(self, logical: str) -> str:
        """The physical bucket behind a logical name (``data``, ``artifacts``, ...)."""
        return self.buckets.get(_logical(logical)) or f"{self.stack}-{logical}"

    def table_name(self, logical: str) -> str:
        """The physical table behind a logical name (``public``, ``private``, ``runs``, ...)."""
        return self.tables.get(_logical(logical)) or f"{self.stack}-{logical}"

    @property
    def data_bucket(self) -> str:
        """The bucket of the data lake (raw JSONL, Parquet tables, matcher index)."""
        return self.bucket_name("data")

    @property
    def database(self) -> str:
        """The Glue/Athena database name."""
        return self.athena_database or self.stack.replace("-", "_")

    def parameter_name(self, name: str) -> str:
        """The full name of a parameter of this environment, e.g. ``/thera/dev/watermarks/x``."""
        return f"/thera/{self.env}/{name.strip('/')}"

    def secret_name(self, name: str) -> str:
        """The full name of a secret of this environment, e.g. ``thera/dev/apollo``."""
        return f"thera/{self.env}/{name.strip('/')}"


@dataclass
class Ports:
    """Every storage port of one backend, built together by :func:`build_ports`."""

    settings: Settings
    objects: ObjectStore
    tables: TableStore
    parameters: ParameterStore
    secrets: SecretStore
    sql: SqlEngine
    metrics: MetricsSink

    def close(self) -> None:
        """Close connections of every port."""
        for port in (self.sql, self.tables, self.parameters, self.objects):
            port.close()

    def __enter__(self) -> Ports:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def build_ports(settings: Settings | None = None, *, session: Any = None) -> Ports:
    """Build all ports for ``settings`` (default: read from the environment).

    Locally the data home and the data bucket's folder are created. On AWS every client uses
    the region and ``THERA_ENDPOINT_URL`` of the settings; ``session`` is a ``boto3.Session``.

    Examples
    --------
    >>> with build_ports(Settings(home=Path(tmp))) as ports:  # doctest: +SKIP
    ...     ports.objects.put(ports.settings.data_bucket, "hello.txt", b"hi")
    """
    settings = settings or Settings.from_env()
    if settings.backend == "local":
        return _local_ports(settings)
    return _aws_ports(settings, session)


def _local_ports(settings: Settings) -> Ports:
    from thera_sdk.storage import (
        DuckDbSqlEngine,
        LocalObjectStore,
        LocalParameterStore,
        LocalSecretStore,
        LocalTableStore,
        LogMetricsSink,
    )

    home = settings.home
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigurationError(
            f"Cannot create THERA_HOME {home}: {exc}; set THERA_HOME."
        ) from exc
    objects = LocalObjectStore(home / "objects")
    objects.create_bucket(settings.data_bucket)
    return Ports(
        settings=settings,
        objects=objects,
        tables=LocalTableStore(home / "tables.sqlite3"),
        parameters=LocalParameterStore(home / "parameters.sqlite3"),
        secrets=LocalSecretStore(home / "secrets"),
        sql=DuckDbSqlEngine(objects, catalog=home / "sql" / "catalog.json"),
        metrics=LogMetricsSink(
            settings.metrics_namespace, dimensions={"Environment": settings.env}
        ),
    )


def _aws_ports(settings: Settings, session: Any) -> Ports:
    from thera_sdk.storage import (
        AthenaSqlEngine,
        DynamoDBTableStore,
        EmfMetricsSink,
        S3ObjectStore,
        SecretsManagerSecretStore,
        SsmParameterStore,
    )
    from thera_sdk.storage._aws import make_client

    if not settings.region:
        raise ConfigurationError("THERA_BACKEND=aws needs a region: set THERA_REGION.")

    def client(service: str) -> Any:
        return make_client(
            service, region=settings.region, endpoint_url=settings.endpoint_url, session=session
        )

    output = settings.athena_output or f"s3://{settings.data_bucket}/athena/"
    return Ports(
        settings=settings,
        objects=S3ObjectStore(client("s3")),
        tables=DynamoDBTableStore(client("dynamodb")),
        parameters=SsmParameterStore(client("ssm")),
        secrets=SecretsManagerSecretStore(client("secretsmanager")),
        sql=AthenaSqlEngine(
            client("athena"),
            database=settings.database,
            workgroup=settings.athena_workgroup,
            output_location=output,
        ),
        metrics=EmfMetricsSink(
            settings.metrics_namespace, dimensions={"Environment": settings.env}
        ),
    )


def build_async_objects(settings: Settings | None = None) -> AsyncObjectStore:
    """The async objects port for ``settings`` (close it with ``await store.aclose()``).

    Examples
    --------
    >>> async with build_async_objects() as store:  # doctest: +SKIP
    ...     data = await store.get("thera-dev-data", "matcher/index.json")
    """
    settings = settings or Settings.from_env()
    from thera_sdk.storage import AsyncLocalObjectStore, AsyncS3ObjectStore, LocalObjectStore

    if settings.backend == "local":
        return AsyncLocalObjectStore(LocalObjectStore(settings.home / "objects"))
    return AsyncS3ObjectStore(region=settings.region, endpoint_url=settings.endpoint_url)
