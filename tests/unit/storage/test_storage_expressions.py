"""DynamoDB expressions: parsing, evaluation and the request rules DynamoDB enforces."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from thera_sdk import ExpressionError, ValidationError
from thera_sdk.storage.expressions import (
    ExpressionContext,
    apply_update,
    evaluate,
    parse_condition,
    parse_key_condition,
    parse_update,
)
from thera_sdk.storage.expressions._lexer import RESERVED_WORDS

ITEM: dict[str, Any] = {
    "pk": "a",
    "n": Decimal(5),
    "s": "hello",
    "b": b"\x01\x02",
    "tags": {"x", "y"},
    "l": [Decimal(1), "two"],
    "m": {"nested": {"v": Decimal(1)}},
    "nothing": None,
}


def check(
    text: str, values: dict[str, Any] | None = None, names: dict[str, str] | None = None
) -> bool:
    context = ExpressionContext(names, values)
    node = parse_condition(text, context)
    context.check_all_used()
    return evaluate(node, ITEM)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("attribute_exists(pk)", {}, True),
        ("attribute_not_exists(absent)", {}, True),
        ("n = :v", {":v": 5}, True),
        ("n <> :v", {":v": "5"}, True),  # different types are never equal
        ("n < :v", {":v": "9"}, False),  # ordering across types is false
        ("absent <> :v", {":v": 1}, True),
        ("absent = :v", {":v": 1}, False),
        ("n BETWEEN :a AND :b", {":a": 1, ":b": 5}, True),
        ("s IN (:a, :b)", {":a": "x", ":b": "hello"}, True),
        ("begins_with(s, :p)", {":p": "he"}, True),
        ("begins_with(b, :p)", {":p": b"\x01"}, True),
        ("contains(s, :p)", {":p": "ll"}, True),
        ("contains(tags, :p)", {":p": "x"}, True),
        ("contains(l, :p)", {":p": "two"}, True),
        ("size(s) = :five AND size(tags) = :two", {":five": 5, ":two": 2}, True),
        ("attribute_type(nothing, :t)", {":t": "NULL"}, True),
        ("m.nested.v = :one AND l[1] = :two", {":one": 1, ":two": "two"}, True),
        ("NOT (n > :a OR n < :b) AND n = :c", {":a": 9, ":b": 0, ":c": 5}, True),
        ("n > :a or n < :b and n = :c", {":a": 4, ":b": 0, ":c": 9}, True),  # AND binds tighter
    ],
)
def test_conditions(text: str, values: dict[str, Any], expected: bool) -> None:
    assert check(text, values) is expected


@pytest.mark.parametrize(
    ("text", "values", "names", "message"),
    [
        ("", {}, {}, "empty"),
        ("n = :v", {}, {}, ":v is not defined"),
        ("#x = :v", {":v": 1}, {}, "#x is not defined"),
        ("n = :v", {":v": 1, ":w": 2}, {}, "not used"),
        ("n = :v", {":v": 1}, {"#unused": "x"}, "not used"),
        ("status = :v", {":v": 1}, {}, "reserved word"),
        ("n = = :v", {":v": 1}, {}, "near '='"),
        ("n", {}, {}, "expected a comparison"),
        ("attribute_exists(a, b)", {}, {}, "takes 1"),
        ("n = :v)", {":v": 1}, {}, "unexpected token"),
        ("a-b = :v", {":v": 1}, {}, "expected a comparison"),
        ("a$ = :v", {":v": 1}, {}, "unexpected character"),
    ],
)
def test_malformed_conditions(
    text: str, values: dict[str, Any], names: dict[str, str], message: str
) -> None:
    with pytest.raises(ExpressionError, match=message):
        check(text, values, names)


def update(text: str, item: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    context = ExpressionContext(None, values)
    parsed = parse_update(text, context)
    context.check_all_used()
    return apply_update(parsed, item, frozenset({"pk"}))


def test_set_right_hand_sides_read_the_item_before_the_update() -> None:
    assert update("SET a = b, b = a", {"pk": "k", "a": "1", "b": "2"}) == {
        "pk": "k", "a": "2", "b": "1",
    }  # fmt: skip


def test_counters_lists_sets_and_removal() -> None:
    item = {"pk": "k", "l": [Decimal(0), Decimal(1), Decimal(2)], "s": {"a"}}
    result = update(
        "SET c = if_not_exists(c, :zero) + :one, d = :ten - :one, l[5] = :x "
        "REMOVE l[0], l[1] ADD s :b, tally :one",
        item,
        {":zero": 0, ":one": 1, ":ten": 10, ":x": "end", ":b": {"b"}},
    )
    assert result == {
        "pk": "k", "c": Decimal(1), "d": Decimal(9), "l": [Decimal(2), "end"],
        "s": {"a", "b"}, "tally": Decimal(1),
    }  # fmt: skip
    assert item["l"] == [Decimal(0), Decimal(1), Decimal(2)]  # the input is not changed


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("SET pk = :v", {":v": "x"}, "part of the key"),
        ("SET a = :v, a = :w", {":v": 1, ":w": 2}, "overlap"),
        ("SET a = :v REMOVE a.b", {":v": 1}, "overlap"),
        ("SET a = absent + :v", {":v": 1}, "does not exist"),
        ("SET a = s + :v", {":v": 1}, "not a number"),
        ("SET x.y = :v", {":v": 1}, "invalid for update"),
        ("ADD s :v", {":v": 1}, "wrong type"),
        ("DELETE s :v", {":v": 1}, "must be a set"),
        ("SET a = :v SET b = :v", {":v": 1}, "each clause appears once"),
    ],
)
def test_updates_dynamodb_refuses(text: str, values: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        update(text, {"pk": "k", "s": "text"}, values)


def test_key_conditions() -> None:
    context = ExpressionContext({"#p": "pk"}, {":p": "a", ":lo": 1, ":hi": 9})
    parsed = parse_key_condition("#p = :p AND sk BETWEEN :lo AND :hi", context, "pk", "sk")
    assert (parsed.partition_value, parsed.sort_op) == ("a", "BETWEEN")
    mirrored = parse_key_condition(":lo < sk AND pk = :p", ExpressionContext(
        None, {":lo": 1, ":p": "a"}), "pk", "sk")  # fmt: skip
    assert (mirrored.sort_op, mirrored.sort_values) == (">", (Decimal(1),))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sk = :a", "exactly once"),
        ("pk = :a OR sk = :b", "use `pk = :v`"),
        ("pk = :a AND extra = :b", "not a key attribute"),
        ("pk = :a AND sk > :a AND sk < :b", "more than once"),
        ("pk = :a AND sk BETWEEN :b AND :a", "reversed"),
        ("pk <> :a", "use `pk = :v`"),
    ],
)
def test_bad_key_conditions(text: str, message: str) -> None:
    context = ExpressionContext(None, {":a": "a", ":b": "b"})
    with pytest.raises(ExpressionError, match=message):
        parse_key_condition(text, context, "pk", "sk")


def test_reserved_words_match_dynamodb_as_moto_knows_it() -> None:
    from moto.dynamodb.parsing.reserved_keywords import ReservedKeywords

    assert {w.upper() for w in ReservedKeywords.get_reserved_keywords()} == RESERVED_WORDS
