"""The apollo_delta_pull handler over local ports and the fake Apollo."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from fake_apollo import API_KEY, FakeApollo

from tasks.apollo_delta_pull import handler
from thera_sdk import ConfigurationError, Ports, SecretNotFoundError, ValidationError
from thera_sdk.match import validate_event
from thera_sdk.storage import read_dataset

UNIVERSE = {"locations": ["Spain"], "employee_ranges": ["1,400"], "per_page": 25}


@dataclass
class Context:
    remaining_ms: int = 900_000
    aws_request_id: str = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@pytest.fixture
def configured(ports: Ports, apollo: FakeApollo, monkeypatch: pytest.MonkeyPatch) -> Ports:
    monkeypatch.setenv("THERA_APOLLO_URL", apollo.url)
    ports.secrets.put(ports.settings.secret_name("apollo"), {"api_key": API_KEY})
    return ports


def test_a_run_pulls_writes_and_returns_counts(configured: Ports) -> None:
    result = handler({"date": "2026-02-01", "universe": UNIVERSE, "workers": 2}, Context(),
                     ports=configured)
    validate_event(result, "apollo_delta_pull_result")
    assert (result["status"], result["pages"], result["new"]) == ("complete", 2, 30)
    assert result["run_id"] == "req-1"
    assert result["keys"]["bronze_prefix"] == "bronze/apollo_companies/date=2026-02-01/"
    table = read_dataset(configured.objects, result["bucket"], "bronze/apollo_companies")
    assert table.num_rows == 30
    again = handler({"date": "2026-02-02", "universe": UNIVERSE}, Context(), ports=configured)
    assert (again["pass_number"], again["new"], again["unchanged"]) == (2, 0, 30)


def test_the_stored_universe_is_used_when_the_event_has_none(configured: Ports) -> None:
    name = configured.settings.parameter_name("apollo/universe")
    configured.parameters.put(name, json.dumps(UNIVERSE))
    assert handler({}, Context(), ports=configured)["new"] == 30


def test_no_universe_anywhere_says_where_to_put_one(configured: Ports) -> None:
    with pytest.raises(ConfigurationError, match="apollo/universe"):
        handler({}, Context(), ports=configured)


def test_missing_key(ports: Ports) -> None:
    with pytest.raises(SecretNotFoundError):
        handler({"universe": UNIVERSE}, Context(), ports=ports)


def test_an_invalid_event_lists_every_problem(configured: Ports) -> None:
    event = {"workers": 50, "universe": {"per_page": 1000}, "colour": "red"}
    with pytest.raises(ValidationError) as caught:
        handler(event, Context(), ports=configured)
    message = str(caught.value)
    assert "workers" in message and "per_page" in message and "colour" in message


def test_no_time_left_stops_before_any_page(configured: Ports, apollo: FakeApollo) -> None:
    result = handler({"universe": UNIVERSE}, Context(remaining_ms=1_000), ports=configured)
    assert result["status"] == "deadline" and result["pages"] == 0
    assert apollo.requests == []


def test_a_spent_quota_is_reported_with_its_window(configured: Ports) -> None:
    event = {"universe": UNIVERSE, "quota": {"per_minute": 1}}
    result = handler(event, Context(), ports=configured)
    assert result["status"] == "quota_exhausted" and result["pages"] == 1
    assert result["quota"]["window"] == "minute"
