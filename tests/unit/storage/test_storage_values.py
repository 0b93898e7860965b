"""The item value model: normalisation, sizes, wire format and key ordering."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thera_sdk import ValidationError
from thera_sdk.storage._values import (
    from_wire,
    item_size,
    key_bytes,
    normalize_item,
    normalize_value,
    to_wire,
)

numbers = st.decimals(
    min_value=Decimal("-1e30"), max_value=Decimal("1e30"), allow_nan=False, places=6
)


def test_inputs_become_the_value_model() -> None:
    item = normalize_item(
        {"n": 1, "f": 0.1, "t": (1, "a"), "s": frozenset({1, 2}), "b": bytearray(b"x")}
    )
    assert item == {
        "n": Decimal(1), "f": Decimal("0.1"), "t": [Decimal(1), "a"],
        "s": {Decimal(1), Decimal(2)}, "b": b"x",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (float("inf"), "finite"),
        (Decimal("1" * 39), "38 significant digits"),
        (set(), "cannot be empty"),
        ({1, "a"}, "only strings"),
        ({"k": object()}, "cannot be stored"),
        ({1: "a"}, "map keys must be strings"),
    ],
)
def test_values_dynamodb_refuses_are_refused(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        normalize_value(value)


def test_item_size_counts_names_and_values() -> None:
    assert item_size({"pk": "abc"}) == 5
    assert item_size({"a": b"12345", "flag": True}) == 1 + 5 + 4 + 1
    assert item_size({"m": {"k": "v"}}) == 1 + 3 + (1 + 1 + 1)


@given(st.recursive(
    st.none() | st.booleans() | st.text() | st.binary() | numbers,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
))  # fmt: skip
def test_wire_format_round_trips(value: object) -> None:
    clean = normalize_value(value)
    assert from_wire(to_wire(clean)) == clean


@given(numbers, numbers)
def test_number_keys_sort_numerically(a: Decimal, b: Decimal) -> None:
    ka, kb = key_bytes(normalize_value(a)), key_bytes(normalize_value(b))
    assert (ka < kb) == (a < b)
    assert (ka == kb) == (a == b)


@given(st.text(), st.text())
def test_string_keys_sort_by_utf8_bytes(a: str, b: str) -> None:
    assert (key_bytes(a) < key_bytes(b)) == (a.encode() < b.encode())
