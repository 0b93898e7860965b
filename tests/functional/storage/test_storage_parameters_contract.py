"""The parameters contract: local (SQLite) and AWS (SSM on moto) behave alike."""

from __future__ import annotations

import pytest

from thera_sdk import ConditionFailedError, ParameterNotFoundError, ValidationError
from thera_sdk.storage import ParameterStore


@pytest.fixture
def name(unique_name: str) -> str:
    """A parameter name of its own."""
    return f"/thera/test/{unique_name}/watermark"


def test_versions_start_at_one_and_grow(parameters: ParameterStore, name: str) -> None:
    first = parameters.put(name, "2025-01-30", expected_version=0)
    second = parameters.put(name, "2025-01-31")
    current = parameters.get(name)
    assert (first.version, second.version) == (1, 2)
    assert (current.value, current.version) == ("2025-01-31", 2)


def test_expected_version_guards_the_watermark(parameters: ParameterStore, name: str) -> None:
    parameters.put(name, "a", expected_version=0)
    with pytest.raises(ConditionFailedError, match="version 1, not 0"):
        parameters.put(name, "b", expected_version=0)
    with pytest.raises(ConditionFailedError, match="version 1, not 5"):
        parameters.put(name, "b", expected_version=5)
    assert parameters.put(name, "c", expected_version=1).version == 2
    assert parameters.get(name).value == "c"


def test_missing_parameter_is_named(parameters: ParameterStore, name: str) -> None:
    with pytest.raises(ParameterNotFoundError, match=name):
        parameters.get(name)
    parameters.delete(name)  # deleting a missing parameter is fine
    parameters.put(name, "x")
    parameters.delete(name)
    with pytest.raises(ParameterNotFoundError):
        parameters.get(name)


@pytest.mark.parametrize(
    ("bad_name", "value"),
    [("no spaces", "x"), ("/a//b", "x"), ("a/b", "x"), ("/aws/x", "x"), ("/ok", ""),
     ("/ok", "x" * 4097)],
)  # fmt: skip
def test_bad_names_and_values_are_refused(
    parameters: ParameterStore, bad_name: str, value: str
) -> None:
    with pytest.raises(ValidationError):
        parameters.put(bad_name, value)


def test_cache_serves_recent_reads_until_a_write(parameters: ParameterStore, name: str) -> None:
    parameters.put(name, "v1")
    assert parameters.get(name, max_age=60).value == "v1"
    parameters.put(name, "v2")  # a write through this store forgets the cached value
    assert parameters.get(name, max_age=60).value == "v2"
