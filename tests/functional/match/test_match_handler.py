"""The matcher Lambda and ``match()`` end to end, over an index in a local object store."""

from __future__ import annotations

import pytest

from tasks.matcher import handler
from thera_sdk import Settings, ValidationError
from thera_sdk.match import (
    FEATURE_NAMES,
    IndexNotFoundError,
    Matcher,
    MatchModel,
    default_matcher,
    match,
    save_model,
    schema_errors,
)
from thera_sdk.storage import ObjectStore

CHALLENGE = (
    "Our regional bank loses money to card-not-present fraud at online checkout. We need "
    "real-time scoring of every card transaction."
)


def test_handler_answers_with_scores_and_reasons(thera_home: Settings, write_startups) -> None:
    # GIVEN an index built by the embeddings package
    version = write_startups()
    # WHEN the Lambda handler gets a challenge filtered to Fintech (any case)
    response = handler({"text": CHALLENGE, "industry": "FINTECH", "limit": 5}, None)
    # THEN the response follows its schema, the fraud startup leads, with readable reasons
    assert schema_errors(response, "match_response") == []
    assert response["index_version"] == version
    assert response["model_version"] == "default"
    assert response["candidates"] == 2
    ids = [result["startup_id"] for result in response["results"]]
    assert ids == ["s-fraud", "s-ledger"]
    best = response["results"][0]
    assert best["reasons"][0].startswith("describes real-time transaction fraud scoring")
    assert "industry Fintech matches" in best["reasons"]
    assert "site healthy, rich content" in best["reasons"]
    assert 0 < best["score"] < 1 and 0 < best["similarity"] <= 1


def test_filters_and_unknown_values(thera_home: Settings, write_startups) -> None:
    write_startups()
    germany = handler({"text": CHALLENGE, "country": "germany"}, None)
    assert {r["startup_id"] for r in germany["results"]} == {"s-fraud", "s-clinic"}
    nothing = handler({"text": CHALLENGE, "industry": "Space mining"}, None)
    assert nothing["results"] == [] and nothing["candidates"] == 0
    everything = handler({"text": CHALLENGE}, None)
    assert everything["candidates"] == 5 and len(everything["results"]) == 5


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ({"text": ""}, "empty"),
        ({"text": "fraud " * 4000}, "over the limit of 20,000"),
        ({"text": "\x89PNG\r\n\x1a\n\x00\x00"}, "control character"),
        ({"text": "fraud", "limit": 500}, "greater than the maximum of 100"),
        ({"text": "fraud", "sort": "name"}, "Additional properties"),
    ],
)
def test_bad_requests_are_client_errors(
    thera_home: Settings, write_startups, event: dict, message: str
) -> None:
    write_startups()
    with pytest.raises(ValidationError, match=message):
        handler(event, None)


def test_match_function_reads_the_environment(thera_home: Settings, write_startups) -> None:
    write_startups()
    results = match(CHALLENGE.encode("utf-8"), industry="fintech", limit=1)
    assert [r.startup_id for r in results] == ["s-fraud"]
    assert results[0].to_json()["reasons"][0].startswith("describes ")
    with pytest.raises(ValidationError, match="not valid UTF-8"):
        match(b"\xff\xfe fraud")


def test_index_stays_in_memory_until_the_pointer_moves(
    thera_home: Settings, objects: ObjectStore, write_startups
) -> None:
    # GIVEN a matcher that reads the pointer on every request
    first = write_startups(version="v1")
    matcher = Matcher(objects, index_bucket=thera_home.bucket_name("gold"), refresh_seconds=0)
    # WHEN asked twice THEN the index is loaded once
    handler({"text": CHALLENGE}, None, matcher=matcher)
    loaded = matcher.index()
    handler({"text": CHALLENGE}, None, matcher=matcher)
    assert matcher.index() is loaded and loaded.version == first
    # WHEN a new version is written THEN the next request uses it
    write_startups(version="v2")
    assert handler({"text": CHALLENGE}, None, matcher=matcher)["index_version"] == "v2"
    assert matcher.index() is not loaded


def test_a_promoted_model_is_picked_up(
    thera_home: Settings, objects: ObjectStore, write_startups
) -> None:
    write_startups()
    matcher = Matcher(objects, index_bucket=thera_home.bucket_name("gold"), refresh_seconds=0)
    health_first = MatchModel(
        ("cosine", "health"), (1.0, 8.0), -4.0, (0.0, 0.0), (1.0, 1.0), version="health-first"
    )
    save_model(objects, thera_home.bucket_name("gold"), health_first, promote=True)
    response = handler({"text": "solar batteries and card fraud"}, None, matcher=matcher)
    assert response["model_version"] == "health-first"
    assert response["results"][0]["startup_id"] in {"s-fraud", "s-grid"}  # the healthy ones
    assert len(FEATURE_NAMES) == 8


def test_missing_index_says_how_to_build_it(thera_home: Settings) -> None:
    with pytest.raises(IndexNotFoundError, match="thera run daily --no-web"):
        handler({"text": CHALLENGE}, None)


def test_default_matcher_is_reused_per_process(thera_home: Settings) -> None:
    assert default_matcher() is default_matcher()
