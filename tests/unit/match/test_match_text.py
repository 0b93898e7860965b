"""Challenge text checks, filters and the words the features and reasons are made of."""

from __future__ import annotations

import pytest

from thera_sdk import TheraError, ValidationError
from thera_sdk.match import MAX_TEXT_CHARS, check_challenge_text, check_filter_value, content_stems
from thera_sdk.match._text import sentences, stem


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (MAX_TEXT_CHARS + 1), "over the limit of 20,000"),
        ("fraud\x00scoring", r"control character.*U\+0000"),
        ("PK\x03\x04binary", "control character"),
        ("fraud \x7f", "control character"),
        ("lone \ud800 surrogate", "control character"),
        (b"\xff\xfe\x00f\x00r", "not valid UTF-8"),
        (b"caf\xe9", "not valid UTF-8"),
        ("!!! ??? ...", "no letters or digits"),
    ],
)
def test_bad_challenge_text_is_a_client_error(text: str | bytes, message: str) -> None:
    # GIVEN a challenge that is empty, oversized, binary or not UTF-8
    # WHEN it is checked THEN a ValidationError (a TheraError) says what to do
    with pytest.raises(ValidationError, match=message) as caught:
        check_challenge_text(text)
    assert isinstance(caught.value, TheraError)


def test_good_text_is_stripped_and_bytes_are_decoded() -> None:
    assert check_challenge_text("  Card fraud\n") == "Card fraud"
    assert check_challenge_text("Zahlungsbetrug für Banken".encode()) == "Zahlungsbetrug für Banken"
    assert check_challenge_text("a" * MAX_TEXT_CHARS) == "a" * MAX_TEXT_CHARS
    assert check_challenge_text("line one\r\n\tline two") == "line one\r\n\tline two"


def test_filters_are_trimmed_and_blank_means_none() -> None:
    assert check_filter_value("industry", " Fintech ") == "Fintech"
    assert check_filter_value("industry", "  ") is None
    assert check_filter_value("country", None) is None
    with pytest.raises(ValidationError, match="country filter must be text"):
        check_filter_value("country", 42)
    with pytest.raises(ValidationError, match="industry filter must be at most 200"):
        check_filter_value("industry", "x" * 201)


def test_stems_join_inflections_and_drop_stop_words() -> None:
    assert stem("transactions") == stem("transaction")
    assert stem("scoring") == stem("score") == stem("scores")
    assert stem("payments") == stem("payment")
    assert content_stems("We are looking for a partner") == frozenset()
    assert content_stems("card-not-present fraud") == {"card", "present", "fraud"}


def test_sentences_split_on_stops_and_lines() -> None:
    assert sentences("One. Two!\nThree") == ["One.", "Two!", "Three"]
