"""Requests, responses and their schemas; the package's public names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

import thera_sdk.match as match_package
from thera_sdk import ValidationError
from thera_sdk.match import (
    MatchRequest,
    MatchResponse,
    MatchResult,
    schema_errors,
    validate_event,
)

SCHEMAS = Path(__file__).resolve().parents[3] / "schemas"


@pytest.mark.parametrize(
    "name", ["match_request", "match_response", "ml_trainer_event", "ml_trainer_result"]
)
def test_schemas_are_valid_draft_2020_12(name: str) -> None:
    schema = json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    for example in schema.get("examples", []):
        assert schema_errors(example, name) == []


def test_request_from_event_applies_defaults_and_cleans() -> None:
    request = MatchRequest.from_event({"text": " fraud ", "industry": None, "country": "DE"})
    assert request == MatchRequest("fraud", None, "DE", 20)
    assert schema_errors(request.to_json(), "match_request") == []


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({}, r"\(event\): 'text' is a required property"),
        ({"text": "fraud", "limit": 0}, "limit: 0 is less than the minimum of 1"),
        ({"text": "fraud", "limit": 101}, "limit: 101 is greater than the maximum of 100"),
        ({"text": "fraud", "limit": "20"}, "limit: '20' is not of type 'integer'"),
        ({"text": "fraud", "colour": "red"}, "Additional properties are not allowed"),
        ({"text": 42}, "text: 42 is not of type 'string'"),
        ({"text": ""}, "empty"),
        ({"text": "x" * 20_001}, "over the limit of 20,000"),
        ({"text": "%PDF-1.7\x00\x01\x02"}, "control character"),
        ({"text": "fraud", "industry": 3}, "industry: 3 is not of type"),
        ("just text", "must be a JSON object"),
    ],
)
def test_bad_events_are_client_errors(event: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MatchRequest.from_event(event)


@pytest.mark.parametrize("limit", [0, 101, True, 2.0, "3"])
def test_build_refuses_bad_limits(limit: object) -> None:
    with pytest.raises(ValidationError, match="limit must be a whole number from 1 to 100"):
        MatchRequest.build("fraud", limit=limit)  # type: ignore[arg-type]


def test_response_json_follows_its_schema() -> None:
    response = MatchResponse(
        (MatchResult("s1", "Acme", 0.75, 0.5, ("industry Fintech matches",)),), "v1", "default", 9
    )
    validate_event(response.to_json(), "match_response")
    broken = response.to_json()
    broken["results"][0]["reasons"] = []
    assert schema_errors(broken, "match_response") == [
        "results.0.reasons: [] should be non-empty"
    ]


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(match_package) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(match_package, name)).__name__ == "module"}
    assert set(match_package.__all__) == public - modules
