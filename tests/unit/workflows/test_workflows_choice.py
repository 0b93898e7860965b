"""Condition covers every ASL comparison; Choice renders its rules, Default and branches."""

from __future__ import annotations

from typing import Any

import pytest

from workflows import (
    Choice,
    Condition,
    Pass,
    StateMachine,
    StateRef,
    Succeed,
    Wait,
    jp,
    validate_definition,
)

KINDS = {"String": "abc", "Numeric": 42, "Timestamp": "2025-01-31T00:00:00Z"}
OPERATORS = ["Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals"]


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


COMPARISONS: list[tuple[str, str, Any]] = [
    (f"{kind}{op}", _snake(f"{kind}{op}"), value)
    for kind, value in KINDS.items()
    for op in OPERATORS
] + [
    ("BooleanEquals", "boolean_equals", True),
    ("StringMatches", "string_matches", "log-*.txt"),
    *[
        (f"Is{kind}", f"is_{kind.lower()}", False)
        for kind in ("Present", "Null", "Numeric", "String", "Boolean", "Timestamp")
    ],
]
PATH_COMPARISONS = [
    (f"{operator}Path", f"{method}_path")
    for operator, method, _ in COMPARISONS
    if not operator.startswith("Is") and operator != "StringMatches"
]


@pytest.mark.parametrize(("operator", "method", "value"), COMPARISONS)
def test_every_comparison_renders_its_operator(operator: str, method: str, value: Any) -> None:
    # GIVEN the Condition method for an ASL operator
    condition = getattr(Condition, method)("$.field", value)
    # THEN it renders Variable plus the operator, and compiles into a valid Choice
    assert condition.rule == {"Variable": "$.field", operator: value}
    route = Choice("Route").when(condition, Succeed("Yes")).otherwise(Succeed("No"))
    choice = StateMachine(route).compile()["States"]["Route"]
    assert choice["Choices"] == [{"Variable": "$.field", operator: value, "Next": "Yes"}]


@pytest.mark.parametrize(("operator", "method"), PATH_COMPARISONS)
def test_every_path_comparison_renders_its_operator(operator: str, method: str) -> None:
    condition = getattr(Condition, method)("$.field", "$.other")
    assert condition.rule == {"Variable": "$.field", operator: "$.other"}
    route = Choice("Route").when(condition, Succeed("Yes"))
    assert validate_definition(StateMachine(route).compile()) == []


def test_path_forms_cover_every_comparison() -> None:
    # 15 typed comparisons plus BooleanEquals have a ...Path form
    assert len(PATH_COMPARISONS) == 16


def test_is_tests_default_to_true() -> None:
    assert Condition.is_present("$.x").rule == {"Variable": "$.x", "IsPresent": True}
    assert Condition.is_null("$.x").rule["IsNull"] is True


def test_and_or_not_nest() -> None:
    a = Condition.string_equals("$.a", "x")
    b = Condition.numeric_less_than("$.b", 3)
    c = Condition.boolean_equals("$.c", False)
    assert Condition.and_(a, b).rule == {"And": [a.rule, b.rule]}
    assert Condition.or_(a, b, c).rule == {"Or": [a.rule, b.rule, c.rule]}
    assert Condition.not_(a).rule == {"Not": a.rule}
    assert ((a & b) | ~c).rule == {"Or": [{"And": [a.rule, b.rule]}, {"Not": c.rule}]}


def test_choice_renders_rules_default_and_io_fields() -> None:
    # GIVEN a Choice with two rules (one assigns variables) and a Default chain
    choice = (
        Choice(
            "Route",
            comment="by size",
            input_path="$.stats",
            output_path="$.stats",
            assign={"routed": True},
        )
        .when(
            Condition.numeric_greater_than_equals("$.count", 100),
            Pass("Big"),
            assign={"size": jp("$.count")},
            comment="large batches",
        )
        .when(Condition.is_present("$.count", False), Succeed("Empty"))
        .otherwise(Pass("Small").next(Succeed("Small done")))
    )
    asl = StateMachine(choice).compile()
    # THEN the state renders in ASL order and the branches become states of the machine
    assert asl["States"]["Route"] == {
        "Type": "Choice",
        "Comment": "by size",
        "Choices": [
            {
                "Variable": "$.count",
                "NumericGreaterThanEquals": 100,
                "Comment": "large batches",
                "Next": "Big",
                "Assign": {"size.$": "$.count"},
            },
            {"Variable": "$.count", "IsPresent": False, "Next": "Empty"},
        ],
        "Default": "Small",
        "InputPath": "$.stats",
        "OutputPath": "$.stats",
        "Assign": {"routed": True},
    }
    assert list(asl["States"]) == ["Route", "Big", "Empty", "Small", "Small done"]
    assert asl["States"]["Small"]["Next"] == "Small done"
    assert asl["States"]["Big"]["End"] is True


def test_when_and_otherwise_return_new_choices() -> None:
    empty = Choice("Route")
    one = empty.when(Condition.is_null("$.x"), Succeed("Null"))
    two = one.otherwise(Succeed("Other"))
    assert empty.rules == () and empty.default is None
    assert len(one.rules) == 1 and one.default is None
    assert two.default == Succeed("Other")


def test_branches_can_join_on_a_shared_state() -> None:
    # GIVEN two branches that end on the same state object
    join = Pass("Join")
    route = (
        Choice("Route")
        .when(Condition.boolean_equals("$.fast", True), Pass("Fast").next(join))
        .otherwise(Pass("Slow").next(join))
    )
    asl = StateMachine(route).compile()
    # THEN the join is rendered once, and both branches go to it
    assert asl["States"]["Fast"]["Next"] == asl["States"]["Slow"]["Next"] == "Join"
    assert list(asl["States"]).count("Join") == 1


def test_a_loop_back_uses_state_ref() -> None:
    poll = (
        Choice("Ready?")
        .when(Condition.boolean_equals("$.ready", True), Succeed("Done"))
        .otherwise(Wait("Pause", seconds=5).next(StateRef("Check")))
    )
    machine = StateMachine(Pass("Check").next(poll))
    asl = machine.compile()
    assert asl["States"]["Pause"]["Next"] == "Check"
    assert asl["States"]["Check"]["Next"] == "Ready?"
    assert list(asl["States"]) == ["Check", "Ready?", "Done", "Pause"]
