"""Choice rules: the ``Condition`` builder and the ``Choice`` state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, replace
from typing import Any, ClassVar

from workflows._base import (
    Chain,
    RenderContext,
    State,
    _render_fields,
    _render_paths,
    start_name,
)
from workflows._paths import render_template


@dataclass(frozen=True)
class Condition:
    """A Choice rule's test, rendered as ASL (without ``Next``).

    Every ASL comparison has a method: ``string_equals``, ``string_less_than``,
    ``string_greater_than``, ``string_less_than_equals``, ``string_greater_than_equals``,
    the same five for ``numeric_`` and ``timestamp_``, ``boolean_equals`` and
    ``string_matches``; each comparison also has a ``..._path`` form comparing with the
    value at another path. Type tests: ``is_present``, ``is_null``, ``is_numeric``,
    ``is_string``, ``is_boolean``, ``is_timestamp``. Combine conditions with
    ``Condition.and_``, ``Condition.or_``, ``Condition.not_`` or the ``&``, ``|`` and ``~``
    operators.

    Examples
    --------
    >>> done = Condition.string_equals("$.status", "DONE")
    >>> (done & ~Condition.is_null("$.result")).rule["And"][1]
    {'Not': {'Variable': '$.result', 'IsNull': True}}
    """

    rule: Mapping[str, Any]

    @staticmethod
    def _compare(operator: str, variable: str, value: Any) -> Condition:
        return Condition({"Variable": variable, operator: value})

    # Strings
    @staticmethod
    def string_equals(variable: str, value: str) -> Condition:
        """``StringEquals``: the string at ``variable`` equals ``value``."""
        return Condition._compare("StringEquals", variable, value)

    @staticmethod
    def string_equals_path(variable: str, path: str) -> Condition:
        """``StringEqualsPath``: equals the string at ``path``."""
        return Condition._compare("StringEqualsPath", variable, path)

    @staticmethod
    def string_less_than(variable: str, value: str) -> Condition:
        """``StringLessThan``."""
        return Condition._compare("StringLessThan", variable, value)

    @staticmethod
    def string_less_than_path(variable: str, path: str) -> Condition:
        """``StringLessThanPath``."""
        return Condition._compare("StringLessThanPath", variable, path)

    @staticmethod
    def string_greater_than(variable: str, value: str) -> Condition:
        """``StringGreaterThan``."""
        return Condition._compare("StringGreaterThan", variable, value)

    @staticmethod
    def string_greater_than_path(variable: str, path: str) -> Condition:
        """``StringGreaterThanPath``."""
        return Condition._compare("StringGreaterThanPath", variable, path)

    @staticmethod
    def string_less_than_equals(variable: str, value: str) -> Condition:
        """``StringLessThanEquals``."""
        return Condition._compare("StringLessThanEquals", variable, value)

    @staticmethod
    def string_less_than_equals_path(variable: str, path: str) -> Condition:
        """``StringLessThanEqualsPath``."""
        return Condition._compare("StringLessThanEqualsPath", variable, path)

    @staticmethod
    def string_greater_than_equals(variable: str, value: str) -> Condition:
        """``StringGreaterThanEquals``."""
        return Condition._compare("StringGreaterThanEquals", variable, value)

    @staticmethod
    def string_greater_than_equals_path(variable: str, path: str) -> Condition:
        """``StringGreaterThanEqualsPath``."""
        return Condition._compare("StringGreaterThanEqualsPath", variable, path)

    @staticmethod
    def string_matches(variable: str, pattern: str) -> Condition:
        """``StringMatches``: ``*`` matches any run of characters; escape it as ``\\\\*``."""
        return Condition._compare("StringMatches", variable, pattern)

    # Numbers
    @staticmethod
    def numeric_equals(variable: str, value: float) -> Condition:
        """``NumericEquals``."""
        return Condition._compare("NumericEquals", variable, value)

    @staticmethod
    def numeric_equals_path(variable: str, path: str) -> Condition:
        """``NumericEqualsPath``."""
        return Condition._compare("NumericEqualsPath", variable, path)

    @staticmethod
    def numeric_less_than(variable: str, value: float) -> Condition:
        """``NumericLessThan``."""
        return Condition._compare("NumericLessThan", variable, value)

    @staticmethod
    def numeric_less_than_path(variable: str, path: str) -> Condition:
        """``NumericLessThanPath``."""
        return Condition._compare("NumericLessThanPath", variable, path)

    @staticmethod
    def numeric_greater_than(variable: str, value: float) -> Condition:
        """``NumericGreaterThan``."""
        return Condition._compare("NumericGreaterThan", variable, value)

    @staticmethod
    def numeric_greater_than_path(variable: str, path: str) -> Condition:
        """``NumericGreaterThanPath``."""
        return Condition._compare("NumericGreaterThanPath", variable, path)

    @staticmethod
    def numeric_less_than_equals(variable: str, value: float) -> Condition:
        """``NumericLessThanEquals``."""
        return Condition._compare("NumericLessThanEquals", variable, value)

    @staticmethod
    def numeric_less_than_equals_path(variable: str, path: str) -> Condition:
        """``NumericLessThanEqualsPath``."""
        return Condition._compare("NumericLessThanEqualsPath", variable, path)

    @staticmethod
    def numeric_greater_than_equals(variable: str, value: float) -> Condition:
        """``NumericGreaterThanEquals``."""
        return Condition._compare("NumericGreaterThanEquals", variable, value)

    @staticmethod
    def numeric_greater_than_equals_path(variable: str, path: str) -> Condition:
        """``NumericGreaterThanEqualsPath``."""
        return Condition._compare("NumericGreaterThanEqualsPath", variable, path)

    # Booleans
    @staticmethod
    def boolean_equals(variable: str, value: bool) -> Condition:
        """``BooleanEquals``."""
        return Condition._compare("BooleanEquals", variable, value)

    @staticmethod
    def boolean_equals_path(variable: str, path: str) -> Condition:
        """``BooleanEqualsPath``."""
        return Condition._compare("BooleanEqualsPath", variable, path)

    # Timestamps (RFC 3339 strings such as "2025-01-31T00:00:00Z")
    @staticmethod
    def timestamp_equals(variable: str, value: str) -> Condition:
        """``TimestampEquals``."""
        return Condition._compare("TimestampEquals", variable, value)

    @staticmethod
    def timestamp_equals_path(variable: str, path: str) -> Condition:
        """``TimestampEqualsPath``."""
        return Condition._compare("TimestampEqualsPath", variable, path)

    @staticmethod
    def timestamp_less_than(variable: str, value: str) -> Condition:
        """``TimestampLessThan``."""
        return Condition._compare("TimestampLessThan", variable, value)

    @staticmethod
    def timestamp_less_than_path(variable: str, path: str) -> Condition:
        """``TimestampLessThanPath``."""
        return Condition._compare("TimestampLessThanPath", variable, path)

    @staticmethod
    def timestamp_greater_than(variable: str, value: str) -> Condition:
        """``TimestampGreaterThan``."""
        return Condition._compare("TimestampGreaterThan", variable, value)

    @staticmethod
    def timestamp_greater_than_path(variable: str, path: str) -> Condition:
        """``TimestampGreaterThanPath``."""
        return Condition._compare("TimestampGreaterThanPath", variable, path)

    @staticmethod
    def timestamp_less_than_equals(variable: str, value: str) -> Condition:
        """``TimestampLessThanEquals``."""
        return Condition._compare("TimestampLessThanEquals", variable, value)

    @staticmethod
    def timestamp_less_than_equals_path(variable: str, path: str) -> Condition:
        """``TimestampLessThanEqualsPath``."""
        return Condition._compare("TimestampLessThanEqualsPath", variable, path)

    @staticmethod
    def timestamp_greater_than_equals(variable: str, value: str) -> Condition:
        """``TimestampGreaterThanEquals``."""
        return Condition._compare("TimestampGreaterThanEquals", variable, value)

    @staticmethod
    def timestamp_greater_than_equals_path(variable: str, path: str) -> Condition:
        """``TimestampGreaterThanEqualsPath``."""
        return Condition._compare("TimestampGreaterThanEqualsPath", variable, path)

    # Type tests
    @staticmethod
    def is_present(variable: str, value: bool = True) -> Condition:
        """``IsPresent``: the path exists in the input (``value=False``: it does not)."""
        return Condition._compare("IsPresent", variable, value)

    @staticmethod
    def is_null(variable: str, value: bool = True) -> Condition:
        """``IsNull``."""
        return Condition._compare("IsNull", variable, value)

    @staticmethod
    def is_numeric(variable: str, value: bool = True) -> Condition:
        """``IsNumeric``."""
        return Condition._compare("IsNumeric", variable, value)

    @staticmethod
    def is_string(variable: str, value: bool = True) -> Condition:
        """``IsString``."""
        return Condition._compare("IsString", variable, value)

    @staticmethod
    def is_boolean(variable: str, value: bool = True) -> Condition:
        """``IsBoolean``."""
        return Condition._compare("IsBoolean", variable, value)

    @staticmethod
    def is_timestamp(variable: str, value: bool = True) -> Condition:
        """``IsTimestamp``."""
        return Condition._compare("IsTimestamp", variable, value)

    # Boolean logic
    @staticmethod
    def and_(*conditions: Condition) -> Condition:
        """``And``: every condition holds."""
        return Condition({"And": [condition.rule for condition in conditions]})

    @staticmethod
    def or_(*conditions: Condition) -> Condition:
        """``Or``: at least one condition holds."""
        return Condition({"Or": [condition.rule for condition in conditions]})

    @staticmethod
    def not_(condition: Condition) -> Condition:
        """``Not``: the condition does not hold."""
        return Condition({"Not": condition.rule})

    def __and__(self, other: Condition) -> Condition:
        return Condition.and_(self, other)

    def __or__(self, other: Condition) -> Condition:
        return Condition.or_(self, other)

    def __invert__(self) -> Condition:
        return Condition.not_(self)


@dataclass(frozen=True)
class ChoiceRule:
    """One ``.when()`` of a Choice: a condition, where to go, and optional variables."""

    condition: Condition
    next_step: State | Chain
    assign: Mapping[str, Any] | None = None
    comment: str | None = None

    def render(self) -> dict[str, Any]:
        """Render the rule as ASL, ``Next`` included."""
        rendered = dict(self.condition.rule)
        rendered.update(_render_fields(Comment=self.comment))
        rendered["Next"] = start_name(self.next_step)
        if self.assign is not None:
            rendered["Assign"] = render_template(self.assign)
        return rendered


@dataclass(frozen=True)
class Choice(State):
    """A Choice state: the first rule whose condition holds picks the next state.

    ``when()`` and ``otherwise()`` return a new Choice, so build it completely before
    putting it in a chain. A Choice ends a chain: states after it go in its branches.
    Without ``otherwise()`` and with no matching rule, the run fails with
    ``States.NoChoiceMatched``.

    Examples
    --------
    >>> from workflows import Choice, Condition, Pass, StateMachine, Succeed
    >>> route = (
    ...     Choice("Any sites?")
    ...     .when(Condition.numeric_greater_than("$.count", 0), Pass("Scrape"))
    ...     .otherwise(Succeed("Nothing to do"))
    ... )
    >>> StateMachine(route).compile()["States"]["Any sites?"]["Default"]
    'Nothing to do'
    """

    name: str
    _: KW_ONLY
    comment: str | None = None
    input_path: str | None = "$"
    output_path: str | None = "$"
    assign: Mapping[str, Any] | None = None
    rules: tuple[ChoiceRule, ...] = ()
    default: State | Chain | None = None
    ends_chain: ClassVar[bool] = True

    def when(
        self,
        condition: Condition,
        next_step: State | Chain,
        *,
        assign: Mapping[str, Any] | None = None,
        comment: str | None = None,
    ) -> Choice:
        """Return a copy with a rule added: if ``condition`` holds, go to ``next_step``."""
        rule = ChoiceRule(condition, next_step, assign, comment)
        return replace(self, rules=(*self.rules, rule))

    def otherwise(self, next_step: State | Chain) -> Choice:
        """Return a copy whose ``Default`` is ``next_step`` (taken when no rule matches)."""
        return replace(self, default=next_step)

    def targets(self) -> tuple[State | Chain, ...]:
        steps = tuple(rule.next_step for rule in self.rules)
        return steps if self.default is None else (*steps, self.default)

    def render(self, next_name: str | None, ctx: RenderContext) -> dict[str, Any]:
        rendered: dict[str, Any] = {"Type": "Choice"}
        rendered.update(_render_fields(Comment=self.comment))
        rendered["Choices"] = [rule.render() for rule in self.rules]
        if self.default is not None:
            rendered["Default"] = start_name(self.default)
        rendered.update(
            _render_paths(
                input_path=self.input_path, output_path=self.output_path, assign=self.assign
            )
        )
        return rendered
