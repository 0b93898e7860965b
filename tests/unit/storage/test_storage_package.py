"""Package shape: public names, error tree, settings, and the docstring examples."""

from __future__ import annotations

import doctest
import importlib
import inspect
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import thera_sdk
import thera_sdk.storage
from thera_sdk import ConfigurationError, Settings, TheraError


@pytest.mark.parametrize("module", [thera_sdk, thera_sdk.storage])
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    exported = set(module.__all__)
    # every listed name resolves (lazily loaded ones included), once
    assert len(module.__all__) == len(exported)
    assert all(getattr(module, name) is not None for name in exported)
    # and nothing of ours is reachable from the package without being listed
    ours = {
        name for name, value in vars(module).items()
        if not name.startswith("_") and not inspect.ismodule(value)
        and getattr(value, "__module__", "").startswith("thera_sdk")
    }  # fmt: skip
    assert ours | set(module._LAZY) == exported


def test_importing_errors_and_ports_loads_no_heavy_library() -> None:
    code = (
        "import sys, thera_sdk._exceptions, thera_sdk\n"
        "from thera_sdk.storage import ObjectStore, TableStore, ParameterStore, SqlEngine\n"
        "print(sorted(m for m in ('duckdb', 'pyarrow', 'boto3', 'sqlglot') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_error_derives_from_the_one_root_and_is_drawn_in_the_tree() -> None:
    from thera_sdk import _exceptions

    tree = _exceptions.__doc__ or ""
    for name in _exceptions.__all__:
        error = getattr(_exceptions, name)
        assert issubclass(error, TheraError)
        assert name in tree


def test_settings_from_the_environment() -> None:
    settings = Settings.from_env({
        "THERA_BACKEND": "AWS", "THERA_ENV": "prod", "AWS_DEFAULT_REGION": "eu-west-1",
        "THERA_TABLE_PUBLIC": "custom-public", "THERA_BUCKET_DATA": "my-lake",
        "THERA_ENDPOINT_URL": "http://127.0.0.1:5000",
    })  # fmt: skip
    assert settings.backend == "aws" and settings.region == "eu-west-1"
    assert settings.table_name("public") == "custom-public"
    assert settings.table_name("private") == "thera-prod-private"
    assert settings.data_bucket == "my-lake"
    assert settings.database == "thera_prod"
    assert settings.parameter_name("watermarks/apollo") == "/thera/prod/watermarks/apollo"
    assert settings.home == Path(".thera")


@pytest.mark.parametrize(
    ("environ", "message"),
    [({"THERA_BACKEND": "cloud"}, "'local' or 'aws'"), ({"THERA_STACK": "Bad_Stack"}, "Stack")],
)
def test_bad_settings_say_what_to_set(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Settings.from_env(environ)


def test_aws_backend_without_region_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="THERA_REGION"):
        thera_sdk.build_ports(Settings(backend="aws"))


MODULES = [
    "thera_sdk._config",
    "thera_sdk.storage._values",
    "thera_sdk.storage._sql_params",
    "thera_sdk.storage._sql_athena",
    "thera_sdk.storage._metrics_emf",
    "thera_sdk.storage._metrics_local",
    "thera_sdk.storage._parquet",
    "thera_sdk.storage._objects",
    "thera_sdk.storage._aws",
    "thera_sdk.storage.expressions._lexer",
    "thera_sdk.storage.expressions._parser",
    "thera_sdk.storage.expressions._evaluate",
    "thera_sdk.storage.expressions._keys",
    "thera_sdk.storage._table_types",
    "thera_sdk.storage._sql",
    "thera_sdk.storage._sqlite",
    "thera_sdk.storage._objects_local",
    "thera_sdk.storage._objects_async",
    "thera_sdk.storage._tables_local",
    "thera_sdk.storage._parameters_local",
    "thera_sdk.storage._parameters",
    "thera_sdk.storage._secrets",
    "thera_sdk.storage._secrets_local",
    "thera_sdk.storage._sql_duckdb",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
