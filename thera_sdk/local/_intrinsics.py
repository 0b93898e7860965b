"""Intrinsic functions of the JSONPath query language (``States.Format(...)`` and friends).

An expression is parsed once (cached) into a small tree and evaluated against a ``resolve_path``
callback supplied by the engine, which reads ``$...``, ``$$...`` and ``$var...`` paths.

Behaviour follows the AWS guide "Intrinsic functions for JSONPath states in Step Functions" and,
where the guide is silent, what executions recorded against AWS show:

- a failing intrinsic is reported as ``States.Runtime`` (not ``States.IntrinsicFailure``, the name
  the ASL spec lists), with a cause naming the function: "Invalid arguments in States.MathAdd";
- fractional arguments are truncated toward zero (ArrayRange, ArrayPartition, ArrayGetItem,
  MathRandom) although the guide says "rounded"; MathAdd alone rounds to the nearest integer;
- values are rendered and compared the way the Java service does: ``States.Format`` prints an
  object as ``{a=1, b=[1, 2]}`` and a float as Java's ``Double.toString``; ``ArrayContains``
  compares those string forms; ``ArrayUnique`` returns ``java.util.HashSet`` order;
- ``StringSplit`` behaves like ``java.util.StringTokenizer`` (each delimiter character splits, empty
  tokens are dropped) and ``Base64Decode`` is lenient (skips foreign characters, stops at ``=``).

Syntax errors are treated as definition errors: AWS was seen to refuse a stray backslash at
CreateStateMachine (the guide speaks of a runtime error); an unknown function name and nesting
deeper than 10 are assumed to be refused the same way. ``syntax_error()`` reports them for the
validator, and ``evaluate()`` raises ``States.Runtime`` if one reaches a run anyway. Wrong
argument counts are run-time failures, as recorded on AWS.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import hashlib
import json
import math
import random
import re
import struct
import uuid
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from ._errors import StatesError

INTRINSIC_ERROR = "States.Runtime"
MAX_NESTING = 10  # "You can nest up to 10 intrinsic functions within a field."
MAX_TEXT = 10_000  # Base64Encode/Base64Decode/Hash input, in (UTF-16) characters
MAX_RANGE = 1_000
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1

Resolver = Callable[[str], Any]

_CALL_HEAD = re.compile(r"States\.([A-Za-z0-9]+)\s*\(")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_KEYWORDS = {"null": None, "true": True, "false": False}
_ESCAPABLE = "'{}\\"


class _Invalid(Exception):
    """An argument was rejected; becomes "Invalid arguments in <function>"."""


# --- syntax tree -------------------------------------------------------------------------------


class _Literal:
    __slots__ = ("escaped", "value")

    def __init__(self, value: Any, escaped: frozenset[int] = frozenset()) -> None:
        self.value = value
        self.escaped = escaped  # positions of characters written as \{ or \} (Format templates)

    def eval(self, resolve: Resolver) -> Any:
        return self.value


class _Path:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def eval(self, resolve: Resolver) -> Any:
        return resolve(self.text)


class _Call:
    __slots__ = ("args", "bad_template", "function", "name", "template")

    def __init__(self, name: str, args: tuple[Any, ...]) -> None:
        self.name = name
        self.args = args
        self.function = _FUNCTIONS[name]
        # A literal Format template is split once, honouring its escaped braces.
        self.template: list[str | None] | None = None
        self.bad_template = False
        first = args[0] if args else None
        if name == "States.Format" and isinstance(first, _Literal) and isinstance(first.value, str):
            try:
                self.template = _split_template(first.value, first.escaped)
            except _Invalid:
                self.bad_template = True  # a lone brace: fails when evaluated

    def eval(self, resolve: Resolver) -> Any:
        values = [arg.eval(resolve) for arg in self.args]
        if self.bad_template:
            raise _Invalid(self.name)
        if self.template is not None:
            return _format_parts(self.template, values[1:])
        return self.function(values)


# --- parser ------------------------------------------------------------------------------------


class _SyntaxProblem(Exception):
    pass


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> _SyntaxProblem:
        return _SyntaxProblem(f"{message} at position {self.pos}")

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def parse(self) -> _Call:
        self.skip_space()
        call = self.call(1)
        self.skip_space()
        if self.pos != len(self.text):
            raise self.fail(f"Unexpected {self.text[self.pos :]!r} after the function call")
        return call

    def call(self, depth: int) -> _Call:
        m = _CALL_HEAD.match(self.text, self.pos)
        if m is None:
            raise self.fail("Expected an intrinsic function call like States.Format(...)")
        name = f"States.{m.group(1)}"
        if name not in _FUNCTIONS:
            raise self.fail(f"Unknown intrinsic function {name}")
        if depth > MAX_NESTING:
            raise self.fail(f"Intrinsic functions nest at most {MAX_NESTING} deep")
        self.pos = m.end()
        args: list[Any] = []
        self.skip_space()
        if self.peek() == ")":
            self.pos += 1
            return _Call(name, ())
        while True:
            args.append(self.argument(depth))
            self.skip_space()
            char = self.peek()
            self.pos += 1
            if char == ")":
                return _Call(name, tuple(args))
            if char != ",":
                self.pos -= 1
                raise self.fail(f"Expected ',' or ')' in the arguments of {name}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def argument(self, depth: int) -> Any:
        self.skip_space()
        char = self.peek()
        if char == "'":
            return self.string()
        if char == "$":
            return self.path()
        if self.text.startswith("States.", self.pos):
            return self.call(depth + 1)
        m = _NUMBER.match(self.text, self.pos)
        if m is not None and self._ends_token(m.end()):
            self.pos = m.end()
            token = m.group(0)
            return _Literal(float(token) if m.group(1) or m.group(2) else int(token))
        for word, value in _KEYWORDS.items():
            if self.text.startswith(word, self.pos) and self._ends_token(self.pos + len(word)):
                self.pos += len(word)
                return _Literal(value)
        raise self.fail("Expected a string, number, null, true, false, path or function call")

    def _ends_token(self, end: int) -> bool:
        return end == len(self.text) or self.text[end] in ",)" or self.text[end].isspace()

    def string(self) -> _Literal:
        self.pos += 1  # opening quote
        chars: list[str] = []
        escaped: set[int] = set()
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "'":
                self.pos += 1
                return _Literal("".join(chars), frozenset(escaped))
            if char == "\\":
                nxt = self.text[self.pos + 1 : self.pos + 2]
                if not nxt or nxt not in _ESCAPABLE:
                    # AWS: "If an open escape backslash \ is found ... a runtime error."
                    raise self.fail("A backslash may only escape ', {, } or \\")
                if nxt in "{}":
                    escaped.add(len(chars))
                chars.append(nxt)
                self.pos += 2
                continue
            chars.append(char)
            self.pos += 1
        raise self.fail("Unterminated string literal")

    def path(self) -> _Path:
        # A path runs to the next top-level ',' ')' or space; brackets may hold quoted names with
        # spaces or commas ($.a['b c']) and filters ($.a[?(@.x > 1)]).
        start = self.pos
        depth = 0
        quote = ""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if quote:
                if char == "\\":
                    self.pos += 1
                elif char == quote:
                    quote = ""
            elif char in "'\"" and depth:
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
            elif depth == 0 and (char in ",)" or char.isspace()):
                break
            self.pos += 1
        if quote or depth:
            raise self.fail("Unterminated path")
        return _Path(self.text[start : self.pos])


@lru_cache(maxsize=4096)
def _compile(expression: str) -> _Call | str:
    """The parsed call, or the syntax problem as text (cached both ways)."""
    try:
        return _Parser(expression).parse()
    except _SyntaxProblem as exc:
        return str(exc)


# --- public interface --------------------------------------------------------------------------


def is_intrinsic(value: Any) -> bool:
    """True for a ``"key.$"`` value that calls an intrinsic rather than naming a path."""
    return isinstance(value, str) and value.lstrip().startswith("States.")


def syntax_error(expression: str) -> str | None:
    """Why AWS would reject this intrinsic expression in a definition, or ``None``."""
    compiled = _compile(expression)
    return compiled if isinstance(compiled, str) else None


def evaluate(expression: str, resolve_path: Resolver) -> Any:
    """Evaluate an intrinsic expression, reading paths through ``resolve_path``.

    Raises ``StatesError("States.Runtime", ...)`` when the expression is malformed, an argument
    is invalid, or ``resolve_path`` itself fails (its cause is kept, after AWS's prefix).
    """
    compiled = _compile(expression)
    prefix = f"The function '{expression}' had the following error: "
    if isinstance(compiled, str):
        raise StatesError(INTRINSIC_ERROR, prefix + compiled)
    try:
        return compiled.eval(resolve_path)
    except _Invalid as exc:
        raise StatesError(INTRINSIC_ERROR, f"{prefix}Invalid arguments in {exc}") from None
    except StatesError as exc:
        raise StatesError(exc.error, prefix + exc.cause) from None


# --- Java-compatible rendering -----------------------------------------------------------------


def _java_double(value: float) -> str:
    """``Double.toString``: plain between 1e-3 and 1e7, else ``1.5E-5`` style."""
    if not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    size = abs(value)
    if size == 0 or 1e-3 <= size < 1e7:
        return repr(value)
    _, digits, exponent = decimal.Decimal(repr(size)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) + int(exponent) - 1
    return f"{'-' if value < 0 else ''}{text[0]}.{text[1:] or '0'}E{power}"


def _java_str(value: Any) -> str:
    """``String.valueOf`` of the Java object the service holds for a JSON value."""
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return "null" if value is None else ("true" if value else "false")
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, list):
        return "[" + ", ".join(_java_str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_str(v)}" for k, v in value.items()) + "}"
    return str(value)


def _has_java_float(value: Any) -> bool:
    if isinstance(value, float):
        return value != 0 and not 1e-3 <= abs(value) < 1e7
    if isinstance(value, list):
        return any(_has_java_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_java_float(v) for v in value.values())
    return False


def _to_json(value: Any) -> str:
    """Compact JSON as Jackson writes it (no spaces, non-ASCII kept, doubles as Java prints)."""
    if not _has_java_float(value):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, float):
        return _java_double(value)
    if isinstance(value, list):
        return "[" + ",".join(_to_json(v) for v in value) + "]"
    return "{" + ",".join(f"{_to_json(k)}:{_to_json(v)}" for k, v in value.items()) + "}"


def _int32(n: int) -> int:
    n &= 0xFFFFFFFF
    return n - (1 << 32) if n & 0x80000000 else n


def _java_hash(value: Any) -> int:
    """``hashCode()`` of the Java object (Integer, Long, Double, String, List, Map...)."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1231 if value else 1237
    if isinstance(value, int):
        if INT32_MIN <= value <= INT32_MAX:
            return value
        bits = value & 0xFFFFFFFFFFFFFFFF  # Long; BigInteger hashes differ (not modelled)
        return _int32(bits ^ (bits >> 32))
    if isinstance(value, float):
        bits = struct.unpack(">Q", struct.pack(">d", value))[0]
        return _int32(bits ^ (bits >> 32))
    if isinstance(value, str):
        h = 0
        units = value.encode("utf-16-be")
        for i in range(0, len(units), 2):
            h = (31 * h + (units[i] << 8 | units[i + 1])) & 0xFFFFFFFF
        return _int32(h)
    if isinstance(value, list):
        h = 1
        for item in value:
            h = (31 * h + _java_hash(item)) & 0xFFFFFFFF
        return _int32(h)
    total = sum(_java_hash(k) ^ _java_hash(v) for k, v in value.items())
    return _int32(total)


def _java_key(value: Any) -> Any:
    """A Python key that is equal exactly when Java's ``equals`` is (Integer 1 != Double 1.0)."""
    if isinstance(value, bool) or value is None:
        return ("b", value)
    if isinstance(value, float):
        return ("d", struct.pack(">d", value))
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list):
        return ("l", tuple(_java_key(v) for v in value))
    return ("m", frozenset((k, _java_key(v)) for k, v in value.items()))


def _java_hash_set_order(items: Sequence[Any]) -> list[Any]:
    """Distinct items in the order a ``java.util.HashSet`` filled by ``add()`` iterates them.

    Buckets are ``spread(hash) & (capacity - 1)``; a bucket keeps insertion order, also across
    resizes (at 3/4 load, or when a bucket reaches 9 entries below capacity 64). Tree bins, used
    past that, are not modelled.
    """
    capacity = 16
    seen: set[Any] = set()
    entries: list[tuple[int, Any]] = []
    counts: dict[int, int] = {}
    for item in items:
        key = _java_key(item)
        if key in seen:
            continue
        seen.add(key)
        h = _java_hash(item) & 0xFFFFFFFF
        h ^= h >> 16
        entries.append((h, item))
        bucket = h & (capacity - 1)
        counts[bucket] = counts.get(bucket, 0) + 1
        if (counts[bucket] >= 9 and capacity < 64) or len(entries) > capacity * 3 // 4:
            capacity *= 2
            counts = {}
            for eh, _ in entries:
                counts[eh & (capacity - 1)] = counts.get(eh & (capacity - 1), 0) + 1
    entries.sort(key=lambda entry: entry[0] & (capacity - 1))  # stable: insertion order kept
    return [item for _, item in entries]


class _JavaRandom:
    """``java.util.Random``, so a seeded ``States.MathRandom`` repeats AWS's numbers."""

    def __init__(self, seed: int) -> None:
        self.seed = (seed ^ 0x5DEECE66D) & ((1 << 48) - 1)

    def next_bits(self, bits: int) -> int:
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & ((1 << 48) - 1)
        return self.seed >> (48 - bits)

    def next_int(self, bound: int) -> int:
        if bound & (bound - 1) == 0:
            return (bound * self.next_bits(31)) >> 31
        while True:
            bits = self.next_bits(31)
            value = bits % bound
            if bits - value + (bound - 1) < 2**31:  # Java's int-overflow rejection test
                return value


# --- argument helpers --------------------------------------------------------------------------


def _arity(name: str, args: list[Any], low: int, high: int | None = None) -> None:
    if len(args) < low or len(args) > (low if high is None else high):
        raise _Invalid(name)


def _number(name: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(name)
    if isinstance(value, float) and not math.isfinite(value):
        raise _Invalid(name)
    return value


def _truncated(name: str, value: Any) -> int:
    return int(_number(name, value))  # toward zero, as observed on AWS


def _array(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise _Invalid(name)
    return value


def _text(name: str, value: Any, limit: int | None = None) -> str:
    if not isinstance(value, str):
        raise _Invalid(name)
    if limit is not None and len(value.encode("utf-16-le")) // 2 > limit:
        raise _Invalid(name)
    return value


# --- the functions -----------------------------------------------------------------------------


def _split_template(template: str, escaped: frozenset[int] = frozenset()) -> list[str | None]:
    """Literal runs and ``None`` for each ``{}``; a lone brace is an error."""
    parts: list[str | None] = []
    run: list[str] = []
    i = 0
    while i < len(template):
        char = template[i]
        if char in "{}" and i not in escaped:
            if char == "}" or template[i + 1 : i + 2] != "}" or i + 1 in escaped:
                raise _Invalid("States.Format")
            parts.append("".join(run))
            parts.append(None)
            run = []
            i += 2
            continue
        run.append(char)
        i += 1
    parts.append("".join(run))
    return parts


def _format_parts(parts: list[str | None], values: list[Any]) -> str:
    if parts.count(None) != len(values):
        raise _Invalid("States.Format")
    rendered = iter(values)
    return "".join(_java_str(next(rendered)) if part is None else part for part in parts)


def _format(args: list[Any]) -> str:
    if not args:
        raise _Invalid("States.Format")
    template = _text("States.Format", args[0])
    return _format_parts(_split_template(template), args[1:])


def _string_to_json(args: list[Any]) -> Any:
    _arity("States.StringToJson", args, 1)
    text = _text("States.StringToJson", args[0])
    if not text.strip():
        return None  # AWS returns null for an empty string
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        raise _Invalid("States.StringToJson") from None


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not JSON")


def _json_to_string(args: list[Any]) -> str:
    _arity("States.JsonToString", args, 1)
    return _to_json(args[0])


def _array_of(args: list[Any]) -> list[Any]:
    return list(args)


def _array_partition(args: list[Any]) -> list[list[Any]]:
    name = "States.ArrayPartition"
    _arity(name, args, 2)
    items, size = _array(name, args[0]), _truncated(name, args[1])
    if size < 1:
        raise _Invalid(name)
    return [items[i : i + size] for i in range(0, len(items), size)]


def _array_contains(args: list[Any]) -> bool:
    name = "States.ArrayContains"
    _arity(name, args, 2)
    target = _java_str(args[1])  # AWS matches "true" with true and key order matters
    return any(_java_str(item) == target for item in _array(name, args[0]))


def _array_range(args: list[Any]) -> list[int]:
    name = "States.ArrayRange"
    _arity(name, args, 3)
    start, end, step = (_truncated(name, a) for a in args)
    if step == 0:
        raise _Invalid(name)
    count = max(0, (end - start) // step + 1)
    if count > MAX_RANGE:
        raise _Invalid(name)
    return [start + i * step for i in range(count)]


def _array_get_item(args: list[Any]) -> Any:
    name = "States.ArrayGetItem"
    _arity(name, args, 2)
    items, index = _array(name, args[0]), _truncated(name, args[1])
    if not items:
        return None  # AWS answers null for an empty array, whatever the index
    if not 0 <= index < len(items):
        raise _Invalid(name)
    return items[index]


def _array_length(args: list[Any]) -> int:
    _arity("States.ArrayLength", args, 1)
    return len(_array("States.ArrayLength", args[0]))


def _array_unique(args: list[Any]) -> list[Any]:
    _arity("States.ArrayUnique", args, 1)
    return _java_hash_set_order(_array("States.ArrayUnique", args[0]))


def _base64_encode(args: list[Any]) -> str:
    _arity("States.Base64Encode", args, 1)
    text = _text("States.Base64Encode", args[0], MAX_TEXT)
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


_B64_KEEP = re.compile(r"[^A-Za-z0-9+/\-_]")


def _base64_decode(args: list[Any]) -> str:
    name = "States.Base64Decode"
    _arity(name, args, 1)
    text = _text(name, args[0], MAX_TEXT)
    # Lenient, as AWS is: skip foreign characters, stop at the first '=', accept URL-safe letters.
    data = _B64_KEEP.sub("", text.split("=", 1)[0]).translate(str.maketrans("-_", "+/"))
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data
    try:
        raw = base64.b64decode(data + "=" * (-len(data) % 4))
    except (binascii.Error, ValueError):
        raise _Invalid(name) from None
    return raw.decode("utf-8", errors="replace")


_HASHES = {
    "MD5": "md5",
    "SHA-1": "sha1",
    "SHA-256": "sha256",
    "SHA-384": "sha384",
    "SHA-512": "sha512",
}


def _hash(args: list[Any]) -> str:
    name = "States.Hash"
    _arity(name, args, 2)
    data = _text(name, _java_str(args[0]), MAX_TEXT)  # AWS hashes a number's text too
    algorithm = args[1]
    if not isinstance(algorithm, str) or algorithm not in _HASHES:
        raise _Invalid(name)
    return hashlib.new(_HASHES[algorithm], data.encode("utf-8")).hexdigest()


def _json_merge(args: list[Any]) -> dict[str, Any]:
    name = "States.JsonMerge"
    _arity(name, args, 3)
    left, right, deep = args
    if not isinstance(left, dict) or not isinstance(right, dict):
        raise _Invalid(name)
    # Only shallow merging exists. AWS was seen to accept the string 'false' as well; anything
    # meaning true is refused (Boolean.parseBoolean reading is an assumption).
    if deep is True or (isinstance(deep, str) and deep.lower() == "true"):
        raise _Invalid(name)
    return {**left, **right}


_RNG = random.Random()


def _math_random(args: list[Any]) -> int:
    name = "States.MathRandom"
    _arity(name, args, 2, 3)
    start, end = _truncated(name, args[0]), _truncated(name, args[1])
    if start >= end:
        raise _Invalid(name)
    if len(args) == 2:
        return _RNG.randrange(start, end)  # end is exclusive (guide)
    seed = _truncated(name, args[2])
    if end - start > INT32_MAX:
        raise _Invalid(name)
    return start + _JavaRandom(seed).next_int(end - start)


def _math_add(args: list[Any]) -> int:
    name = "States.MathAdd"
    _arity(name, args, 2)
    total = 0
    for arg in args:
        value = _number(name, arg)
        term = math.floor(value + 0.5) if isinstance(value, float) else value  # Math.round
        if not INT32_MIN <= term <= INT32_MAX:
            raise _Invalid(name)
        total += term
    if not INT32_MIN <= total <= INT32_MAX:
        raise _Invalid(name)
    return total


def _string_split(args: list[Any]) -> list[str]:
    name = "States.StringSplit"
    _arity(name, args, 2)
    text, delimiters = _text(name, args[0]), _text(name, args[1])
    if not delimiters:
        return [text] if text else []
    pattern = "[" + re.escape(delimiters) + "]+"
    return [token for token in re.split(pattern, text) if token]


def _uuid(args: list[Any]) -> str:
    return str(uuid.uuid4())  # AWS ignores any arguments given


_FUNCTIONS: dict[str, Callable[[list[Any]], Any]] = {
    "States.Format": _format,
    "States.StringToJson": _string_to_json,
    "States.JsonToString": _json_to_string,
    "States.Array": _array_of,
    "States.ArrayPartition": _array_partition,
    "States.ArrayContains": _array_contains,
    "States.ArrayRange": _array_range,
    "States.ArrayGetItem": _array_get_item,
    "States.ArrayLength": _array_length,
    "States.ArrayUnique": _array_unique,
    "States.Base64Encode": _base64_encode,
    "States.Base64Decode": _base64_decode,
    "States.Hash": _hash,
    "States.JsonMerge": _json_merge,
    "States.MathRandom": _math_random,
    "States.MathAdd": _math_add,
    "States.StringSplit": _string_split,
    "States.UUID": _uuid,
}
