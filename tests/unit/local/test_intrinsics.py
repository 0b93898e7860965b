"""Intrinsic functions, checked against the AWS guide and executions recorded on AWS.

Where a case pins behaviour the guide does not state (truncation, Java-style rendering, HashSet
order...), the comment says where the expectation comes from.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from thera_sdk.local import _intrinsics
from thera_sdk.local._errors import StatesError
from thera_sdk.local._intrinsics import evaluate, is_intrinsic, syntax_error

UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class Resolver:
    """Reads simple paths from input, context and variables; records what it was asked."""

    def __init__(
        self,
        data: Any = None,
        context: Any = None,
        variables: dict[str, Any] | None = None,
    ) -> None:
        self.data = data
        self.context = context or {}
        self.variables = variables or {}
        self.asked: list[str] = []

    def __call__(self, path: str) -> Any:
        self.asked.append(path)
        if path.startswith("$$"):
            root, rest = self.context, path[2:]
        elif re.match(r"\$[A-Za-z_]", path):
            name = re.match(r"\$(\w+)", path).group(1)  # type: ignore[union-attr]
            root, rest = self.variables.get(name), path[1 + len(name) :]
        else:
            root, rest = self.data, path[1:]
        for key in re.findall(r"\.(\w+)|\['([^']*)'\]", rest):
            name = key[0] or key[1]
            if not isinstance(root, dict) or name not in root:
                raise StatesError(
                    "States.Runtime",
                    f"The JsonPath argument for the field '{path}' could not be found in the "
                    f"input '{json.dumps(self.data)}'",
                )
            root = root[name]
        return root


def run(expression: str, data: Any = None, **kwargs: Any) -> Any:
    return evaluate(expression, Resolver(data, **kwargs))


def fails(expression: str, data: Any = None, *, match: str) -> StatesError:
    with pytest.raises(StatesError, match=match) as info:
        run(expression, data)
    assert info.value.error == "States.Runtime"
    return info.value


def invalid(function: str) -> str:
    return re.escape(f"had the following error: Invalid arguments in {function}")


# --- recognising and parsing ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("States.Format('x {}', $.a)", True),
        ("States.UUID()", True),
        ("  States.Array($.a)", True),
        ("$.a", False),
        ("$$.Execution.Id", False),
        ("$myVar", False),
        ("states.Format('x')", False),
        (42, False),
    ],
)
def test_is_intrinsic_tells_calls_from_paths(value: Any, expected: bool) -> None:
    assert is_intrinsic(value) is expected


@pytest.mark.parametrize(
    "expression",
    [
        "States.Array()",
        "States.Array( $.a , $.b )",
        "States.Array(1, -2, 3.5, -0.25, 1e3, 2E-2, null, true, false, 'x')",
        "States.Format('it\\'s \\{\\} \\\\ {}', $['odd key'])",
        "States.ArrayGetItem(States.StringSplit($.a, ','), 0)",
    ],
)
def test_well_formed_expressions_have_no_syntax_error(expression: str) -> None:
    assert syntax_error(expression) is None


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("States.Array('abc", "Unterminated string literal"),
        ("States.Array('a\\nb')", "A backslash may only escape"),
        ("States.Array('a\\x')", "A backslash may only escape"),
        ("States.Compare($.a, $.b)", "Unknown intrinsic function States.Compare"),
        ("States.Array($.a) trailing", "Unexpected 'trailing' after the function call"),
        ("States.Array($.a", "Expected ',' or ')' in the arguments of States.Array"),
        ("States.Array($.a, )", "Expected a string, number, null, true, false, path"),
        ("States.Array(,)", "Expected a string, number, null, true, false, path"),
        ("States.Array(1.)", "Expected a string, number"),
        ("States.Array(.5)", "Expected a string, number"),
        ("States.Array(01)", "Expected a string, number"),
        ("States.Array([1,2])", "Expected a string, number"),
        ("States.Array(undefined)", "Expected a string, number"),
        ("States.Array($.a['b)", "Unterminated path"),
        ("Format('x')", "Expected an intrinsic function call"),
        ("States.UUID)", "Expected an intrinsic function call"),
    ],
)
def test_malformed_expressions_report_a_syntax_error(expression: str, problem: str) -> None:
    # GIVEN a malformed expression
    # WHEN it is checked THEN the problem is named
    assert problem in (syntax_error(expression) or "")
    # AND evaluating it anyway fails the run with States.Runtime
    fails(expression, {"a": 1}, match=re.escape(problem))


def test_nesting_is_limited_to_ten_calls() -> None:
    # GIVEN ten and eleven nested States.Array calls ("nest up to 10 intrinsic functions")
    ten = "States.Array(" * 10 + "1" + ")" * 10
    eleven = "States.Array(" * 11 + "1" + ")" * 11
    # WHEN checked THEN ten are fine and eleven are refused
    assert syntax_error(ten) is None
    assert run(ten) == [[[[[[[[[[1]]]]]]]]]]
    assert "nest at most 10 deep" in (syntax_error(eleven) or "")


def test_parsed_expressions_are_cached() -> None:
    # GIVEN an expression evaluated twice WHEN compiled again THEN the same tree is reused
    expression = "States.MathAdd($.n, 1)"
    assert run(expression, {"n": 1}) == run(expression, {"n": 1}) == 2
    assert _intrinsics._compile(expression) is _intrinsics._compile(expression)


# --- arguments ------------------------------------------------------------------------------


def test_literal_arguments_keep_their_json_types() -> None:
    result = run("States.Array(42, -7, 1.5, -0.25, 1e3, null, true, false, 'hello', '')")
    assert result == [42, -7, 1.5, -0.25, 1000.0, None, True, False, "hello", ""]
    assert [type(v) for v in result[:5]] == [int, int, float, float, float]


def test_escaped_characters_in_string_literals() -> None:
    # GIVEN \' \{ \} and \\ inside a literal (as the intrinsic text, after JSON decoding)
    # WHEN evaluated THEN each stands for the bare character
    assert run(r"States.Array('it\'s', '\{\}', 'back\\slash')") == ["it's", "{}", "back\\slash"]


def test_json_decoded_control_characters_are_plain_characters() -> None:
    # GIVEN "States.StringSplit('Hello\nWorld', '\n')" in a definition: JSON turns \n into a
    # newline before the intrinsic is parsed (recorded on AWS: ["Hello", "World"])
    assert run("States.StringSplit('Hello\nWorld', '\n')") == ["Hello", "World"]


def test_paths_are_handed_to_the_resolver_exactly_as_written() -> None:
    # GIVEN paths of every kind, including brackets holding spaces, commas and parentheses
    resolver = Resolver(
        {"a": {"b": 1}, "abc": {"def ghi": 2}}, {"Execution": {"Id": "x"}}, {"v": 3}
    )
    expression = "States.Array($, $.a.b, $$.Execution.Id, $v, $.abc['def ghi'], $.a[?(@.b > 0, 1)])"
    # WHEN evaluated
    evaluate(expression, lambda p: resolver(p) if "?" not in p else resolver.asked.append(p))
    # THEN the resolver saw each path verbatim
    assert resolver.asked == [
        "$",
        "$.a.b",
        "$$.Execution.Id",
        "$v",
        "$.abc['def ghi']",
        "$.a[?(@.b > 0, 1)]",
    ]


def test_a_resolver_failure_keeps_its_error_and_gains_the_aws_prefix() -> None:
    # GIVEN a path that is missing from the input
    error = fails("States.Format('{}', $.nope)", {"other": 1}, match="could not be found")
    # THEN the cause reads like AWS's: the function, then the path error
    assert error.cause == (
        "The function 'States.Format('{}', $.nope)' had the following error: The JsonPath "
        "argument for the field '$.nope' could not be found in the input '{\"other\": 1}'"
    )


def test_other_resolver_exceptions_propagate_unchanged() -> None:
    def broken(path: str) -> Any:
        raise LookupError(path)

    with pytest.raises(LookupError, match=r"\$\.a"):
        evaluate("States.Array($.a)", broken)


def test_nested_calls_feed_their_results_outward() -> None:
    # GIVEN the guide's nested example: take an image recipe's name and version from an ARN
    arn = "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my-recipe.v2/1.0.0"
    inner = "States.StringSplit(States.ArrayGetItem(States.StringSplit($.arn, '/'), 1), '.')"
    expression = (
        f"States.Format('{{}}.{{}}', States.ArrayGetItem({inner}, 0), "
        f"States.ArrayGetItem({inner}, 1))"
    )
    # WHEN evaluated THEN each inner result is the next call's argument
    assert run(expression, {"arn": arn}) == "my-recipe.v2"


# --- States.Format --------------------------------------------------------------------------


def test_format_guide_examples() -> None:
    data = {"name": "Arnav", "template": "Hello, my name is {}."}
    assert run("States.Format('Hello, my name is {}.', $.name)", data) == "Hello, my name is Arnav."
    assert run("States.Format($.template, $.name)", data) == "Hello, my name is Arnav."


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("", ""),
        (" ", " "),
        (None, "null"),
        (1, "1"),
        (1.1, "1.1"),
        (True, "true"),
        ('{"Arg1": 1, "Arg2": []}', '{"Arg1": 1, "Arg2": []}'),
        # Recorded on AWS: objects and arrays print like Java's Map/List toString.
        ({"Arg1": 1, "Arg2": []}, "{Arg1=1, Arg2=[]}"),
        ({"Id": "arn:x", "Name": "n"}, "{Id=arn:x, Name=n}"),
        ([1, "a", None, [True]], "[1, a, null, [true]]"),
        # Java's Double.toString (the service's number rendering).
        (1.0, "1.0"),
        (1e20, "1.0E20"),
        (1.5e-5, "1.5E-5"),
        (12345678.9, "1.23456789E7"),
        (-0.0005, "-5.0E-4"),
    ],
)
def test_format_renders_values_like_aws(value: Any, text: str) -> None:
    assert run("States.Format('[{}]', $.v)", {"v": value}) == f"[{text}]"


def test_format_without_placeholders_returns_the_template() -> None:
    assert run("States.Format('no placeholders')") == "no placeholders"


def test_format_escaped_braces_and_quotes_are_literal() -> None:
    data = {"name": "Gabriel"}
    assert run(r"States.Format('\{\} \'{}\'', $.name)", data) == "{} 'Gabriel'"


@pytest.mark.parametrize(
    ("expression", "data"),
    [
        ("States.Format('{} {}', $.a)", {"a": "x"}),  # too few values
        ("States.Format('{}', $.a, $.a)", {"a": "x"}),  # too many values
        ("States.Format($.t, $.a)", {"t": 123, "a": "x"}),  # template not a string
        ("States.Format('Hello {', $.a)", {"a": "x"}),
        ("States.Format('Hello {{}}', $.a)", {"a": "x"}),
        ("States.Format('}')", {}),
        ("States.Format('\\{}', $.a)", {"a": "x"}),  # an escaped { leaves a lone }
        ("States.Format($.t)", {"t": "{ not a placeholder"}),  # braces from data count too
        ("States.Format()", {}),
    ],
)
def test_format_rejects_bad_templates_and_counts(expression: str, data: Any) -> None:
    fails(expression, data, match=invalid("States.Format"))


# --- JSON manipulation ----------------------------------------------------------------------


def test_string_to_json_parses_any_json_text() -> None:
    assert run("States.StringToJson($.s)", {"s": '{"foo": "bar"}'}) == {"foo": "bar"}
    assert run("States.StringToJson($.s)", {"s": " [1,2] "}) == [1, 2]
    assert run("States.StringToJson($.s)", {"s": '"hello"'}) == "hello"
    assert run("States.StringToJson($.s)", {"s": "null"}) is None


def test_string_to_json_of_blank_text_is_null() -> None:
    # Recorded on AWS: an empty string gives null rather than an error.
    assert run("States.StringToJson('')") is None


@pytest.mark.parametrize("value", ["{bad json}", '{"a":1', "undefined", "NaN", 123, {"a": 1}])
def test_string_to_json_rejects_non_json_and_non_strings(value: Any) -> None:
    fails("States.StringToJson($.s)", {"s": value}, match=invalid("States.StringToJson"))


def test_json_to_string_is_compact_like_aws() -> None:
    # GIVEN nested data with unicode and a float Java prints in exponent form
    data = {"obj": {"foo": "bar", "n": [1, 2.5, None, True], "é": "ü"}, "big": [1e20]}
    # WHEN serialised THEN there are no spaces, unicode is kept, doubles print as Java does
    assert run("States.JsonToString($.obj)", data) == '{"foo":"bar","n":[1,2.5,null,true],"é":"ü"}'
    assert run("States.JsonToString($.big)", data) == "[1.0E20]"
    assert run("States.JsonToString('x')") == '"x"'
    assert run("States.JsonToString(States.StringToJson($.s))", {"s": '{"a":1}'}) == '{"a":1}'


def test_json_to_string_needs_exactly_one_argument() -> None:
    fails("States.JsonToString()", match=invalid("States.JsonToString"))
    fails("States.JsonToString($.a, $.a)", {"a": 1}, match=invalid("States.JsonToString"))


def test_json_merge_guide_example_is_shallow() -> None:
    data = {
        "json1": {"a": {"a1": 1, "a2": 2}, "b": 2},
        "json2": {"a": {"a3": 1, "a4": 2}, "c": 3},
    }
    result = run("States.JsonMerge($.json1, $.json2, false)", data)
    assert result == {"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3}
    assert list(result) == ["a", "b", "c"]


def test_json_merge_accepts_the_string_false() -> None:
    # Recorded on AWS: a non-boolean deep flag such as 'false' merges shallowly.
    assert run("States.JsonMerge($.a, $.b, 'false')", {"a": {"x": 1}, "b": {"y": 2}}) == {
        "x": 1,
        "y": 2,
    }


@pytest.mark.parametrize(
    ("expression", "data"),
    [
        ("States.JsonMerge($.a, $.b, true)", {"a": {}, "b": {}}),  # deep merge is unsupported
        ("States.JsonMerge($.a, $.b, 'TRUE')", {"a": {}, "b": {}}),
        ("States.JsonMerge($.a, $.b, false)", {"a": None, "b": {}}),
        ("States.JsonMerge($.a, $.b, false)", {"a": {}, "b": [1]}),
        ("States.JsonMerge($.a, $.b)", {"a": {}, "b": {}}),
        ("States.JsonMerge($.a, $.b, false, 1)", {"a": {}, "b": {}}),
    ],
)
def test_json_merge_rejects_bad_arguments(expression: str, data: Any) -> None:
    fails(expression, data, match=invalid("States.JsonMerge"))


# --- arrays ---------------------------------------------------------------------------------


def test_array_collects_values_in_order() -> None:
    assert run("States.Array()") == []
    assert run("States.Array($.Id)", {"Id": 123456}) == [123456]
    assert run("States.Array($.o, $.o, States.Array(1))", {"o": {"k": 1}}) == [
        {"k": 1},
        {"k": 1},
        [1],
    ]


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 4, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]),
        ([1, 2, 3], 10, [[1, 2, 3]]),
        ([], 3, []),
        ([[1], [2], [3]], 2, [[[1], [2]], [[3]]]),
        # Recorded on AWS: fractional sizes are truncated (2.6 acts as 2), not rounded.
        ([1, 2, 3, 4, 5], 2.6, [[1, 2], [3, 4], [5]]),
    ],
)
def test_array_partition_chunks(items: list[Any], size: Any, expected: list[Any]) -> None:
    assert run("States.ArrayPartition($.a, $.n)", {"a": items, "n": size}) == expected


@pytest.mark.parametrize("size", [0, -1, 0.6, -0.4, "2", None, True])
def test_array_partition_rejects_sizes_below_one_or_not_numbers(size: Any) -> None:
    data = {"a": [1, 2, 3], "n": size}
    fails("States.ArrayPartition($.a, $.n)", data, match=invalid("States.ArrayPartition"))


def test_array_partition_needs_an_array() -> None:
    fails("States.ArrayPartition('x', 2)", match=invalid("States.ArrayPartition"))


@pytest.mark.parametrize(
    ("items", "target", "expected"),
    [
        ([1, 2, 3, 4, 5, 6, 7, 8, 9], 5, True),
        ([1, 2, 3], 4, False),
        ([1, None, 3], None, True),
        ([{"a": 1}, {"b": 2}], {"a": 1}, True),
        ([[1, 2], [3, 4]], [1, 2], True),
        ([{"a": 1}], {"a": 1, "extra": None}, False),
        ([], 1, False),
        # Recorded on AWS (values compared as the service's strings):
        ([{"a": 1, "b": 2}], {"b": 2, "a": 1}, False),  # key order matters
        (["true", "false"], True, True),  # "true" matches true
        (["9007199254740991"], 9007199254740991, True),
        ([0, 1, -1], False, False),  # no false/0 coercion
    ],
)
def test_array_contains(items: list[Any], target: Any, expected: bool) -> None:
    assert run("States.ArrayContains($.a, $.t)", {"a": items, "t": target}) is expected


def test_array_contains_needs_an_array_and_two_arguments() -> None:
    fails("States.ArrayContains('x', 'x')", match=invalid("States.ArrayContains"))
    fails("States.ArrayContains($.a)", {"a": [1]}, match=invalid("States.ArrayContains"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("1, 9, 2", [1, 3, 5, 7, 9]),
        ("1, 5, 1", [1, 2, 3, 4, 5]),
        ("-2, 2, 2", [-2, 0, 2]),
        ("3, 3, 1", [3]),
        ("3, 3, -1", [3]),
        ("5, 1, -2", [5, 3, 1]),
        ("5, 1, 1", []),
        ("1, 5, -1", []),
        # Recorded on AWS: every argument is truncated toward zero.
        ("1.6, 1.4, 1", [1]),
        ("5.4, -0.6, -2.4", [5, 3, 1]),
        ("1.4, 5.6, 2.2", [1, 3, 5]),
    ],
)
def test_array_range(args: str, expected: list[int]) -> None:
    assert run(f"States.ArrayRange({args})") == expected


def test_array_range_allows_exactly_one_thousand_items() -> None:
    up = run("States.ArrayRange(1, 1000, 1)")
    down = run("States.ArrayRange(1000, 1, -1)")
    assert (len(up), up[0], up[-1]) == (1000, 1, 1000)
    assert (len(down), down[0], down[-1]) == (1000, 1000, 1)


@pytest.mark.parametrize(
    "args",
    ["1, 1001, 1", "1001, 1, -1", "1, 10, 0", "1, 10, 0.49", "'a', 5, 1", "1, 5, null", "1, 5"],
)
def test_array_range_rejects_bad_arguments(args: str) -> None:
    fails(f"States.ArrayRange({args})", match=invalid("States.ArrayRange"))


def test_array_get_item() -> None:
    data = {"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5}
    assert run("States.ArrayGetItem($.inputArray, $.index)", data) == 6
    assert run("States.ArrayGetItem($.a, 0)", {"a": [None]}) is None
    # Recorded on AWS: a fractional index is truncated, and an empty array gives null.
    assert run("States.ArrayGetItem($.a, 1.2)", {"a": [10, 20, 30]}) == 20
    assert run("States.ArrayGetItem($.a, 999)", {"a": []}) is None


@pytest.mark.parametrize("index", ["3", "-1", "'1'", "null"])
def test_array_get_item_rejects_bad_indexes(index: str) -> None:
    data = {"a": [10, 20, 30]}
    fails(f"States.ArrayGetItem($.a, {index})", data, match=invalid("States.ArrayGetItem"))


def test_array_get_item_needs_an_array() -> None:
    fails("States.ArrayGetItem('abc', 0)", match=invalid("States.ArrayGetItem"))


def test_array_length() -> None:
    assert run("States.ArrayLength($.a)", {"a": [1, 2, 3, 4, 5, 6, 7, 8, 9]}) == 9
    assert run("States.ArrayLength(States.Array())") == 0
    fails("States.ArrayLength($.a)", {"a": {"k": 1}}, match=invalid("States.ArrayLength"))
    fails("States.ArrayLength()", match=invalid("States.ArrayLength"))


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ([1, 2, 3, 3, 3, 3, 3, 3, 4], [1, 2, 3, 4]),
        (["a", "b", "a", "c", "b"], ["a", "b", "c"]),
        ([], []),
        ([None, None, 1, None], [None, 1]),
        ([{"a": 1, "b": 2}, {"b": 2, "a": 1}], [{"a": 1, "b": 2}]),
        # Recorded on AWS: the order is java.util.HashSet's, not first-seen.
        ([True, False, True, False], [False, True]),
        ([[1, 2], [1, 2], [2, 1]], [[2, 1], [1, 2]]),
        (["c", "b", "a"], ["a", "b", "c"]),
        # Java's equals tells Integer 1 from Double 1.0 and from the string "1" (order checked
        # with java.util.HashSet).
        ([1, "1", 1.0, "01", 1], [1.0, 1, "1", "01"]),
    ],
)
def test_array_unique(items: list[Any], expected: list[Any]) -> None:
    result = run("States.ArrayUnique($.a)", {"a": items})
    assert result == expected
    assert [type(v) for v in result] == [type(v) for v in expected]


def test_array_unique_follows_hash_set_order_across_resizes() -> None:
    # GIVEN 30 mixed values, enough to grow the set from 16 to 32 buckets
    items = [True, False, [1, 2], [2, 1], "b", "a", None, 1.5, 100_000_000_000]
    items += [{"a": 1, "b": "x"}] + [f"k{i}" for i in range(20)]
    # WHEN deduplicated THEN the order is the one java.util.HashSet printed for the same values
    expected = "[[2, 1], null, k11, k10, k13, k12, k15, true, k14, k17, k16, k19, k18, false, a, "
    expected += "100000000000, [1, 2], b, k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, 1.5, {a=1, b=x}]"
    result = run("States.ArrayUnique($.a)", {"a": items})
    assert run("States.Format('{}', $.r)", {"r": result}) == expected


def test_array_unique_needs_an_array() -> None:
    fails("States.ArrayUnique('not-array')", match=invalid("States.ArrayUnique"))


# --- encoding and hashing -------------------------------------------------------------------


def test_base64_encode() -> None:
    assert (
        run("States.Base64Encode($.input)", {"input": "Data to encode"}) == "RGF0YSB0byBlbmNvZGU="
    )
    assert run("States.Base64Encode('')") == ""
    assert run("States.Base64Encode('🚀')") == "8J+agA=="
    assert run("States.Base64Encode($.s)", {"s": "a" * 10_000}).startswith("YWFh")


@pytest.mark.parametrize(
    "value",
    ["a" * 10_001, "🚀" * 5_001, 123, {}, ["x"]],  # 5,001 rockets are 10,002 Java chars
    ids=["10001-chars", "10002-utf16-units", "number", "object", "array"],
)
def test_base64_encode_rejects_long_or_non_string_input(value: Any) -> None:
    fails("States.Base64Encode($.s)", {"s": value}, match=invalid("States.Base64Encode"))


def test_base64_decode() -> None:
    assert run("States.Base64Decode($.b)", {"b": "RGF0YSB0byBlbmNvZGU="}) == "Data to encode"
    assert run("States.Base64Decode('4pyT')") == "✓"
    assert run("States.Base64Decode('')") == ""
    assert run("States.Base64Decode(States.Base64Encode('hello'))") == "hello"


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        # Recorded on AWS: malformed input is decoded leniently rather than refused.
        ("ab==cd", "i"),  # stops at the padding
        (" YWJjZA== ", "abcd"),  # surrounding spaces skipped
        ("abc", "i\ufffd"),  # missing padding tolerated
        ("YW Jj\tZA", "abcd"),
    ],
)
def test_base64_decode_is_lenient(encoded: str, decoded: str) -> None:
    assert run("States.Base64Decode($.b)", {"b": encoded}) == decoded


def test_base64_decode_rejects_long_or_non_string_input() -> None:
    fails("States.Base64Decode($.b)", {"b": "A" * 10_001}, match=invalid("States.Base64Decode"))
    fails("States.Base64Decode(123)", match=invalid("States.Base64Decode"))


@pytest.mark.parametrize(
    ("algorithm", "digest"),
    [
        ("MD5", "5d41402abc4b2a76b9719d911017c592"),
        ("SHA-1", "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
        ("SHA-256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        (
            "SHA-384",
            "59e1748777448c69de6b800d7a33bbfb9ff1b463e44354c3553bcdb9c666fa90"
            "125a3c79f90397bdf5f6a13de828684f",
        ),
        (
            "SHA-512",
            "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
            "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
        ),
    ],
)
def test_hash_algorithms(algorithm: str, digest: str) -> None:
    assert run("States.Hash('hello', $.alg)", {"alg": algorithm}) == digest


def test_hash_of_unicode_and_of_non_strings() -> None:
    # UTF-8 bytes are hashed; a number is hashed as its text (recorded on AWS).
    assert run("States.Hash('✓', 'SHA-256')") == (
        "1dabba21cdad44541f6b15796f8d22978fc7ea10c46aeceeeeb66c23b3ac7604"
    )
    assert run("States.Hash(123, 'MD5')") == run("States.Hash('123', 'MD5')")
    assert len(run("States.Hash($.s, 'SHA-256')", {"s": "a" * 10_000})) == 64


@pytest.mark.parametrize(
    ("data", "algorithm"),
    [("a" * 10_001, "SHA-256"), ("x", "sha-256"), ("x", "SHA256"), ("x", "MD-5"), ("x", 123)],
)
def test_hash_rejects_long_data_and_unknown_algorithms(data: str, algorithm: Any) -> None:
    fails("States.Hash($.d, $.a)", {"d": data, "a": algorithm}, match=invalid("States.Hash"))


def test_hash_needs_two_arguments() -> None:
    fails("States.Hash('hello')", match=invalid("States.Hash"))


# --- math -----------------------------------------------------------------------------------


def test_math_random_start_is_inclusive_and_end_exclusive() -> None:
    # GIVEN the range [0, 2) WHEN drawn 200 times THEN both 0 and 1 appear and nothing else
    assert {run("States.MathRandom(0, 2)") for _ in range(200)} == {0, 1}


def test_math_random_seeded_repeats_java_random() -> None:
    # GIVEN seeds (AWS gave -5 for seed 42 over [-5, 5); java.util.Random gives the rest)
    # WHEN drawn twice THEN the numbers repeat and match java.util.Random(seed).nextInt(bound)
    assert run("States.MathRandom(-5, 5, 42)") == run("States.MathRandom(-5, 5, 42)") == -5
    assert run("States.MathRandom(0, 999, 1)") == 105
    assert run("States.MathRandom(0, 16, 7)") == 11  # power-of-two bound
    assert run("States.MathRandom(0, 1000, 123456789)") == 965


def test_math_random_truncates_bounds() -> None:
    # Recorded on AWS: (1.6, 5.4) draws from [1, 5); (1.4, 1.6) collapses to [1, 1) and fails.
    assert {run("States.MathRandom(1.6, 5.4)") for _ in range(300)} <= {1, 2, 3, 4}
    fails("States.MathRandom(1.4, 1.6)", match=invalid("States.MathRandom"))


@pytest.mark.parametrize(
    "args",
    ["1, 1", "10, 5", "'a', 10", "1, 'b'", "1, 10, 'seed'", "1, 10, null", "1", "1, 2, 3, 4"],
)
def test_math_random_rejects_bad_arguments(args: str) -> None:
    fails(f"States.MathRandom({args})", match=invalid("States.MathRandom"))


@pytest.mark.parametrize(
    ("args", "total"),
    [
        ("111, -1", 110),
        ("-5, -3", -8),
        # Recorded on AWS: each operand is rounded before adding (1.6 + 2.7 gives 5).
        ("1.6, 2.7", 5),
        ("0.1, 0.2", 0),
        ("2.5, 0", 3),  # Java Math.round: halves go up
        ("-1.5, 0", -1),
        ("2147483647, 0", 2147483647),
        ("-2147483648, 0", -2147483648),
        ("2147483646, 1", 2147483647),
        ("States.MathAdd(5, 1), 2", 8),
    ],
)
def test_math_add(args: str, total: int) -> None:
    assert run(f"States.MathAdd({args})") == total


@pytest.mark.parametrize(
    "args",
    [
        "2147483647, 1",
        "-2147483648, -1",
        "3000000000, 1",
        "'1', 2",
        "null, 1",
        "true, 1",
        "1",
        "1, 2, 3",
    ],
)
def test_math_add_rejects_non_integers_and_overflow(args: str) -> None:
    fails(f"States.MathAdd({args})", match=invalid("States.MathAdd"))


def test_math_add_from_paths_reports_like_aws() -> None:
    # GIVEN a non-number in the input (as in a failed real execution)
    error = fails(
        "States.MathAdd($.firstNumber, $.secondNumber)",
        {"firstNumber": 1, "secondNumber": "NOT A NUMBER"},
        match="Invalid arguments in States.MathAdd",
    )
    # THEN the cause names the whole expression
    assert error.cause.startswith("The function 'States.MathAdd($.firstNumber, $.secondNumber)'")


# --- strings and ids ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delimiters", "expected"),
    [
        ("1,2,3,4,5", ",", ["1", "2", "3", "4", "5"]),
        ("This.is+a,test=string", ".+,=", ["This", "is", "a", "test", "string"]),
        ("1a2b3ab4", "ab", ["1", "2", "3", "4"]),
        ("a.b.c", ".", ["a", "b", "c"]),
        ("a|b", "|", ["a", "b"]),
        # Recorded on AWS: empty tokens are dropped (java.util.StringTokenizer behaviour).
        ("a,,b", ",", ["a", "b"]),
        (",a,b,", ",", ["a", "b"]),
        (",", ",", []),
        ("", ",", []),
        ("abc", "", ["abc"]),
    ],
)
def test_string_split(text: str, delimiters: str, expected: list[str]) -> None:
    assert run("States.StringSplit($.s, $.d)", {"s": text, "d": delimiters}) == expected


@pytest.mark.parametrize(
    ("text", "delimiters"), [(123, ","), ("a,b", 1), (None, ","), ("a", [","])]
)
def test_string_split_needs_two_strings(text: Any, delimiters: Any) -> None:
    data = {"s": text, "d": delimiters}
    fails("States.StringSplit($.s, $.d)", data, match=invalid("States.StringSplit"))


def test_uuid_is_a_fresh_version_4_uuid() -> None:
    first, second = run("States.UUID()"), run("States.UUID( )")
    assert UUID4.match(first) and UUID4.match(second)
    assert first != second


def test_uuid_ignores_arguments() -> None:
    # Recorded on AWS: States.UUID('x') and States.UUID(1, 2) still return a UUID.
    assert UUID4.match(run("States.UUID('x', 1, null)"))
    assert UUID4.match(run("States.Format('{}', States.UUID())"))
