"""Step Functions Local mock configuration: loading, validation and per-invocation responses."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from thera_sdk.local._errors import StatesError
from thera_sdk.local._mocks import (
    MockConfig,
    MockConfigError,
    MockedReturn,
    MockedThrow,
    MockNotFoundError,
)

DATA = Path(__file__).parent / "data" / "MockConfigFile.json"
SCRAPED = {"StatusCode": 200, "Payload": {"title": "Acme", "text": "We build rockets."}}


def config_with(responses: dict[str, Any], states: dict[str, str] | None = None) -> dict[str, Any]:
    """A one-machine, one-test-case configuration around the given mocked responses."""
    states = states if states is not None else {name: name for name in responses}
    return {
        "StateMachines": {"SM": {"TestCases": {"Case": states}}},
        "MockedResponses": responses,
    }


def problems_of(source: Any) -> list[str]:
    with pytest.raises(MockConfigError) as info:
        MockConfig.load(source)
    return info.value.problems


# --- loading --------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [str(DATA), DATA], ids=["str-path", "Path"])
def test_load_reads_a_file_from_a_path(source: Any) -> None:
    # GIVEN the checked-in mock configuration file
    # WHEN it is loaded from its path
    config = MockConfig.load(source)
    # THEN every state machine and test case is known
    assert config.state_machines == ("MatchStartups", "RefreshEmbeddings")
    assert config.test_cases("MatchStartups") == (
        "HappyPath",
        "ScrapeRetriesThenSucceeds",
        "ScrapeAlwaysFails",
    )


def test_load_accepts_json_text_and_a_mapping_alike() -> None:
    # GIVEN the same configuration as JSON text and as a dict
    raw = json.loads(DATA.read_text())
    # WHEN both are loaded
    from_text = MockConfig.load(DATA.read_text())
    from_dict = MockConfig.load(raw)
    # THEN they answer the same
    a = from_text.test_case("MatchStartups", "HappyPath").response("ScrapeSite", 0)
    b = from_dict.test_case("MatchStartups", "HappyPath").response("ScrapeSite", 0)
    assert a == b == MockedReturn(SCRAPED)


def test_load_copies_a_mapping_so_later_edits_do_not_leak_in() -> None:
    # GIVEN a configuration dict that is loaded, then edited by the caller
    raw = config_with({"R": {"0": {"Return": {"n": 1}}}})
    config = MockConfig.load(raw)
    raw["MockedResponses"]["R"]["0"]["Return"]["n"] = 2
    # WHEN the response is read
    response = config.test_case("SM", "Case").response("R", 0)
    # THEN it is the value at load time
    assert response == MockedReturn({"n": 1})


def test_load_of_a_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    # GIVEN a path with no file WHEN it is loaded THEN the OS error surfaces
    with pytest.raises(FileNotFoundError):
        MockConfig.load(tmp_path / "MockConfigFile.json")


# --- responses ------------------------------------------------------------------------------


def test_lambda_invoke_return_is_the_whole_envelope() -> None:
    # GIVEN the happy path of the sample file
    case = MockConfig.load(DATA).test_case("MatchStartups", "HappyPath")
    # WHEN the first invocation of each mocked state is asked for
    # THEN Return holds the service integration's result as written (StatusCode + Payload)
    assert case.response("CheckDomain", 0) == MockedReturn(
        {"StatusCode": 200, "Payload": {"domain": "acme.io", "alive": True}}
    )
    assert case.response("EmbedProfile", 0) == MockedReturn([0.12, -0.5, 0.33])


def test_a_range_key_answers_every_invocation_it_covers() -> None:
    # GIVEN "0-1" throws and "2" returns
    case = MockConfig.load(DATA).test_case("MatchStartups", "ScrapeRetriesThenSucceeds")
    throttled = MockedThrow("Lambda.TooManyRequestsException", "Rate exceeded")
    # WHEN invocations 0, 1 and 2 are asked for
    answers = [case.response("ScrapeSite", attempt) for attempt in range(3)]
    # THEN the range covers both ends, and the single key the third
    assert answers == [throttled, throttled, MockedReturn(SCRAPED)]


def test_the_last_response_is_not_repeated_past_the_defined_invocations() -> None:
    # GIVEN a mocked response defining invocations 0-3 only
    case = MockConfig.load(DATA).test_case("MatchStartups", "ScrapeAlwaysFails")
    assert case.response("ScrapeSite", 3) == MockedThrow(
        "States.Timeout", "The scraper did not answer in time."
    )
    # WHEN a fifth invocation happens
    with pytest.raises(StatesError, match="No mocked response for invocation 4 of state") as info:
        case.response("ScrapeSite", 4)
    # THEN the execution fails with States.Runtime, naming what is defined
    assert info.value.error == "States.Runtime"
    assert "'ScrapeTimesOut' defines 0-3" in info.value.cause


def test_a_gap_between_keys_loads_and_fails_only_when_reached() -> None:
    # GIVEN invocations 0 and 2 but not 1 (Step Functions Local accepts this file)
    case = MockConfig.load(config_with({"R": {"0": {"Return": 0}, "2": {"Return": 2}}})).test_case(
        "SM", "Case"
    )
    # WHEN invocation 2 and then 1 are asked for
    # THEN 2 answers and 1 fails at run time
    assert case.response("R", 2) == MockedReturn(2)
    with pytest.raises(StatesError, match=r"invocation 1 .* defines 0, 2"):
        case.response("R", 1)


def test_an_entry_with_no_invocations_loads_and_fails_when_used() -> None:
    # GIVEN an empty mocked response (as generated from an empty collection)
    case = MockConfig.load(config_with({"R": {}})).test_case("SM", "Case")
    # WHEN its state runs THEN the run fails, not the load
    with pytest.raises(StatesError, match="defines no invocations"):
        case.response("R", 0)


def test_return_may_be_any_json_value() -> None:
    # GIVEN Return values that are not objects
    entries = {"0": {"Return": None}, "1": {"Return": "text"}, "2": {"Return": 7}}
    case = MockConfig.load(config_with({"R": entries})).test_case("SM", "Case")
    # WHEN they are read THEN each comes back as written
    assert [case.response("R", i).value for i in range(3)] == [None, "text", 7]  # type: ignore[union-attr]


def test_has_mock_tells_mocked_states_from_the_others() -> None:
    # GIVEN a test case that mocks only EmbedProfile
    case = MockConfig.load(DATA).test_case("RefreshEmbeddings", "OnlyEmbedMocked")
    # WHEN asked about mocked and unmocked states THEN only the mocked one is reported
    assert case.has_mock("EmbedProfile")
    assert not case.has_mock("ScrapeSite")
    assert case.mocked_states == ("EmbedProfile",)


def test_response_for_an_unmocked_state_names_the_mocked_ones() -> None:
    case = MockConfig.load(DATA).test_case("RefreshEmbeddings", "OnlyEmbedMocked")
    # WHEN an unmocked state is asked for THEN the error lists what is mocked, unquoted
    with pytest.raises(MockNotFoundError, match="mocked states: EmbedProfile") as info:
        case.response("ScrapeSite", 0)
    assert str(info.value).startswith("State 'ScrapeSite' is not mocked")


def test_a_negative_attempt_is_a_caller_error() -> None:
    case = MockConfig.load(DATA).test_case("MatchStartups", "HappyPath")
    with pytest.raises(ValueError, match="attempt must be 0 or more, got -1"):
        case.response("ScrapeSite", -1)


def test_unknown_state_machine_lists_the_defined_ones() -> None:
    config = MockConfig.load(DATA)
    with pytest.raises(MockNotFoundError, match="it defines: MatchStartups, RefreshEmbeddings"):
        config.test_case("Nope", "HappyPath")


def test_unknown_test_case_lists_the_machines_test_cases() -> None:
    config = MockConfig.load(DATA)
    expected = "it defines: HappyPath, ScrapeRetriesThenSucceeds, ScrapeAlwaysFails"
    with pytest.raises(MockNotFoundError, match=expected):
        config.test_case("MatchStartups", "SadPath")
    # AND a KeyError handler catches it too
    with pytest.raises(KeyError):
        config.test_case("MatchStartups", "SadPath")


# --- per-execution counting -----------------------------------------------------------------


def test_mock_run_counts_each_state_separately_across_calls() -> None:
    # GIVEN a run of the retry test case
    run = MockConfig.load(DATA).test_case("MatchStartups", "ScrapeRetriesThenSucceeds").start_run()
    # WHEN states are invoked interleaved (domain check, two failed scrapes, a good one)
    first = run.next_response("CheckDomain")
    scrapes = [run.next_response("ScrapeSite") for _ in range(3)]
    embed = run.next_response("EmbedProfile")
    # THEN each state advances its own counter
    assert isinstance(first, MockedReturn)
    assert [type(s) for s in scrapes] == [MockedThrow, MockedThrow, MockedReturn]
    assert embed == MockedReturn([0.12, -0.5, 0.33])
    # AND a second run of the same test case starts again from invocation 0
    assert isinstance(run.test_case.start_run().next_response("ScrapeSite"), MockedThrow)


def test_mock_run_hands_out_each_invocation_once_under_threads() -> None:
    # GIVEN invocations 0..199 each returning their own number (a Map over 200 items)
    entries = {str(i): {"Return": i} for i in range(200)}
    run = MockConfig.load(config_with({"R": entries})).test_case("SM", "Case").start_run()
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            value = run.next_response("R").value  # type: ignore[union-attr]
            with lock:
                seen.append(value)

    # WHEN four threads draw 50 responses each
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # THEN every invocation number was used exactly once
    assert sorted(seen) == list(range(200))


# --- validation -----------------------------------------------------------------------------


def test_invalid_json_text_is_reported() -> None:
    assert problems_of('{"StateMachines": ')[0].startswith(
        "The mock configuration is not valid JSON"
    )


def test_a_top_level_array_is_rejected() -> None:
    assert problems_of("[1, 2]") == ["The mock configuration must be a JSON object."]


def test_missing_top_level_sections_are_both_reported() -> None:
    assert problems_of({}) == [
        "'StateMachines' must be an object of state machine names.",
        "'MockedResponses' must be an object of mocked response names.",
    ]


def test_a_state_machine_without_test_cases_is_rejected() -> None:
    raw: dict[str, Any] = {"StateMachines": {"SM": {"Cases": {}}}, "MockedResponses": {}}
    with pytest.raises(
        MockConfigError, match=r"StateMachines\.SM must be an object with a 'TestCases'"
    ):
        MockConfig.load(raw)


def test_a_test_case_that_is_not_an_object_is_rejected() -> None:
    raw = {"StateMachines": {"SM": {"TestCases": {"Case": ["R"]}}}, "MockedResponses": {}}
    with pytest.raises(MockConfigError, match=r"TestCases\.Case must map state names to responses"):
        MockConfig.load(raw)


def test_a_state_mapped_to_a_non_string_is_rejected() -> None:
    raw = config_with({"R": {"0": {"Return": 1}}}, states={"Scrape": 3})  # type: ignore[dict-item]
    with pytest.raises(
        MockConfigError, match=r"Case\.Scrape must be the name of a mocked response, got 3"
    ):
        MockConfig.load(raw)


def test_an_unknown_mocked_response_reference_is_rejected() -> None:
    raw = config_with({"ScrapeOk": {"0": {"Return": 1}}}, states={"Scrape": "ScrapeOK"})
    with pytest.raises(
        MockConfigError,
        match=r"Case\.Scrape refers to mocked response 'ScrapeOK', which 'MockedResponses' does",
    ):
        MockConfig.load(raw)


def test_a_mocked_response_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(MockConfigError, match=r"MockedResponses\.R must be an object keyed by"):
        MockConfig.load(config_with({"R": [{"Return": 1}]}))


@pytest.mark.parametrize("key", ["first", "-1", "1-", "1-2-3", " 0", "0x1"])
def test_a_malformed_invocation_key_is_rejected(key: str) -> None:
    with pytest.raises(MockConfigError, match=f"key '{key}' must be an invocation number"):
        MockConfig.load(config_with({"R": {key: {"Return": 1}}}))


def test_a_reversed_range_is_rejected() -> None:
    with pytest.raises(MockConfigError, match="key '2-1' is a range that ends before it starts"):
        MockConfig.load(config_with({"R": {"2-1": {"Return": 1}}}))


def test_overlapping_ranges_are_rejected() -> None:
    with pytest.raises(MockConfigError, match="keys overlap: 0-2 and 1 both cover invocation 1"):
        MockConfig.load(config_with({"R": {"0-2": {"Return": 1}, "1": {"Return": 2}}}))


def test_overlaps_inside_a_wide_range_are_all_reported() -> None:
    # GIVEN two single keys inside one wide range (not adjacent to each other)
    entries = {"0-10": {"Return": 0}, "2": {"Return": 2}, "5": {"Return": 5}}
    # WHEN loaded THEN both overlaps are named
    assert problems_of(config_with({"R": entries})) == [
        "MockedResponses.R keys overlap: 0-10 and 2 both cover invocation 2; each invocation "
        "needs exactly one response.",
        "MockedResponses.R keys overlap: 0-10 and 5 both cover invocation 5; each invocation "
        "needs exactly one response.",
    ]


def test_adjacent_ranges_do_not_overlap() -> None:
    entries = {"0-1": {"Return": "a"}, "2-3": {"Return": "b"}}
    case = MockConfig.load(config_with({"R": entries})).test_case("SM", "Case")
    assert case.response("R", 1) == MockedReturn("a")
    assert case.response("R", 2) == MockedReturn("b")


def test_an_entry_with_both_return_and_throw_is_rejected() -> None:
    entry = {"Return": 1, "Throw": {"Error": "E", "Cause": "c"}}
    with pytest.raises(
        MockConfigError, match=r"R\.0 has both 'Return' and 'Throw'; give exactly one"
    ):
        MockConfig.load(config_with({"R": {"0": entry}}))


def test_an_entry_with_neither_return_nor_throw_is_rejected() -> None:
    problems = problems_of(config_with({"R": {"0": {"Result": 1}}}))
    assert problems == [
        "MockedResponses.R.0 has unknown fields ['Result']; use 'Return' or 'Throw'.",
        "MockedResponses.R.0 has neither 'Return' nor 'Throw'; give exactly one.",
    ]


def test_an_entry_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(MockConfigError, match=r"R\.0 must be an object with 'Return' or 'Throw'"):
        MockConfig.load(config_with({"R": {"0": "Return"}}))


def test_a_throw_that_is_not_an_object_is_rejected() -> None:
    with pytest.raises(MockConfigError, match=r"R\.0\.Throw must be an object with string 'Error'"):
        MockConfig.load(config_with({"R": {"0": {"Throw": "Boom"}}}))


def test_a_throw_needs_string_error_and_cause() -> None:
    entries = {"0": {"Throw": {"Error": "Boom"}}, "1": {"Throw": {"Error": 5, "Cause": None}}}
    assert problems_of(config_with({"R": entries})) == [
        "MockedResponses.R.0.Throw needs string 'Cause'.",
        "MockedResponses.R.1.Throw needs string 'Error' and 'Cause'.",
    ]


def test_every_problem_is_reported_at_once() -> None:
    # GIVEN a file with several unrelated mistakes
    raw = {
        "StateMachines": {"SM": {"TestCases": {"Case": {"A": "Missing", "B": "R"}}}},
        "MockedResponses": {"R": {"2-1": {"Return": 1}, "3": {}}},
    }
    # WHEN loaded
    with pytest.raises(MockConfigError) as info:
        MockConfig.load(raw)
    # THEN each mistake is listed, and the message shows them all
    assert len(info.value.problems) == 3
    message = str(info.value)
    assert message.startswith("Invalid mock configuration:\n- ")
    assert "'2-1'" in message and "R.3 has neither" in message and "'Missing'" in message
