"""Formatting named SQL parameters is a pure function."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlglot
from hypothesis import given
from hypothesis import strategies as st

from thera_sdk import ValidationError
from thera_sdk.storage import format_query, sql_literal


@pytest.mark.parametrize(
    ("value", "literal"),
    [
        (None, "NULL"),
        (True, "TRUE"),
        (42, "42"),
        (Decimal("12.50"), "12.50"),
        (Decimal("1E+3"), "1000"),
        (0.5, "0.5e0"),
        (1e-20, "1e-20"),
        ("it's", "'it''s'"),
        (b"\x00\xff", "X'00ff'"),
        (dt.date(2025, 1, 31), "DATE '2025-01-31'"),
        (dt.datetime(2025, 1, 31, 12), "TIMESTAMP '2025-01-31 12:00:00.000000'"),
        (dt.datetime(2025, 1, 31, 13, tzinfo=dt.timezone(dt.timedelta(hours=1))),
         "TIMESTAMP '2025-01-31 12:00:00.000000'"),
        ([1, "a"], "(1, 'a')"),
        ({"b", "a"}, "('a', 'b')"),
    ],
)  # fmt: skip
def test_literals(value: object, literal: str) -> None:
    assert sql_literal(value) == literal


@pytest.mark.parametrize(
    ("value", "message"),
    [([], "empty list"), (float("nan"), "finite"), ("a\x00", "NUL"), (object(), "has type")],
)
def test_unrenderable_values(value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        sql_literal(value, "p")


def test_placeholders_outside_strings_comments_and_casts_only() -> None:
    sql = (
        "SELECT ':a' AS s, \"col:a\", x::int -- :a in a comment\n"
        "/* :a */ FROM t WHERE a = :a AND b IN :bs"
    )
    assert format_query(sql, {"a": "v", "bs": (1, 2)}) == (
        "SELECT ':a' AS s, \"col:a\", x::int -- :a in a comment\n"
        "/* :a */ FROM t WHERE a = 'v' AND b IN (1, 2)"
    )


def test_missing_and_unused_parameters_are_named() -> None:
    with pytest.raises(ValidationError, match=":day"):
        format_query("SELECT * FROM t WHERE d = :day")
    with pytest.raises(ValidationError, match="'other'"):
        format_query("SELECT 1", {"other": 1})
    assert format_query("SELECT 1") == "SELECT 1"


@given(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"])))
def test_any_string_round_trips_through_sql_parsing(text: str) -> None:
    sql = format_query("SELECT :v AS v", {"v": text})
    select = sqlglot.parse_one(sql, read="trino")
    assert isinstance(select, sqlglot.exp.Select)
    assert select.selects[0].this.this == text
