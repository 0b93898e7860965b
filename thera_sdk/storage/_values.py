"""The item value model shared by both table adapters.

Items are plain Python values, as in boto3's *resource* layer, and both adapters return exactly
these types:

=====================  ==========================================================
DynamoDB type          Python value
=====================  ==========================================================
S (string)             ``str``
N (number)             ``decimal.Decimal`` (``int`` and finite ``float`` accepted on input)
B (binary)             ``bytes`` (``bytearray``/``memoryview`` accepted on input)
BOOL                   ``bool``
NULL                   ``None``
L (list)               ``list`` (``tuple`` accepted on input)
M (map)                ``dict`` with ``str`` keys
SS / NS / BS           ``set`` of ``str`` / ``Decimal`` / ``bytes`` (never empty)
=====================  ==========================================================

Numbers follow DynamoDB's limits: at most 38 significant digits, magnitude between 1E-130 and
1E+126. A ``float`` is converted through its shortest ``repr`` (``0.1`` becomes ``Decimal("0.1")``).
"""

from __future__ import annotations

import base64
import decimal
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ValidationError

__all__ = [
    "MAX_ITEM_BYTES",
    "NUMBER_CONTEXT",
    "from_wire",
    "item_size",
    "key_bytes",
    "normalize_item",
    "normalize_value",
    "to_wire",
    "type_of",
]

MAX_ITEM_BYTES = 400 * 1024

NUMBER_CONTEXT = decimal.Context(
    prec=38,
    Emin=-128,
    Emax=126,
    rounding=decimal.ROUND_HALF_EVEN,
    traps=[decimal.Clamped, decimal.Overflow, decimal.Inexact, decimal.Rounded, decimal.Underflow],
)


def _number(value: Decimal, where: str) -> Decimal:
    if not value.is_finite():
        raise ValidationError(f"{where}: numbers must be finite, got {value}; store NaN as NULL.")
    try:
        return NUMBER_CONTEXT.create_decimal(value)
    except decimal.DecimalException as exc:
        raise ValidationError(
            f"{where}: {value} does not fit a DynamoDB number (38 significant digits, magnitude "
            "1E-130 to 1E+126); round it or store it as a string."
        ) from exc


def normalize_value(value: Any, where: str = "value") -> Any:
    """Return ``value`` in the item value model, or raise :class:`ValidationError`.

    Parameters
    ----------
    value
        Any supported Python value (see the module docstring).
    where
        A path used in error messages, such as ``"item.scores[2]"``.

    Examples
    --------
    >>> normalize_value({"n": 1, "tags": ("a", 2.5)})
    {'n': Decimal('1'), 'tags': ['a', Decimal('2.5')]}
    """
    if value is None or isinstance(value, (str, bool)):
        return value
    if isinstance(value, int):
        return _number(Decimal(value), where)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{where}: numbers must be finite, got {value!r}.")
        return _number(Decimal(repr(value)), where)
    if isinstance(value, Decimal):
        return _number(value, where)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValidationError(f"{where}: map keys must be strings, got {k!r}.")
            out[k] = normalize_value(v, f"{where}.{k}")
        return out
    if isinstance(value, (list, tuple)):
        return [normalize_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return _normalize_set(value, where)
    raise ValidationError(
        f"{where}: values of type {type(value).__name__} cannot be stored; use str, int, "
        "Decimal, bytes, bool, None, list, dict or a set."
    )


def _normalize_set(value: set[Any] | frozenset[Any], where: str) -> set[Any]:
    if not value:
        raise ValidationError(f"{where}: sets cannot be empty; remove the attribute instead.")
    if any(
        isinstance(v, bool) or not isinstance(v, (str, bytes, int, float, Decimal)) for v in value
    ):
        raise ValidationError(f"{where}: a set holds only strings, only numbers or only bytes.")
    members = {normalize_value(v, where) for v in value}
    kinds = {type_of(v) for v in members}
    if len(kinds) != 1 or kinds.pop() not in {"S", "N", "B"}:
        raise ValidationError(f"{where}: a set holds only strings, only numbers or only bytes.")
    return members


def normalize_item(item: Mapping[str, Any], where: str = "item") -> dict[str, Any]:
    """Normalize a whole item (a mapping of attribute names to values).

    Examples
    --------
    >>> normalize_item({"pk": "a", "n": 2})
    {'pk': 'a', 'n': Decimal('2')}
    """
    if not isinstance(item, Mapping):
        raise ValidationError(f"{where}: an item must be a mapping, got {type(item).__name__}.")
    result: dict[str, Any] = normalize_value(item, where)
    return result


def type_of(value: Any) -> str:
    """Return the DynamoDB type letter(s) of a normalized value.

    Examples
    --------
    >>> type_of(Decimal(1)), type_of({"a"}), type_of(None)
    ('N', 'SS', 'NULL')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, str):
        return "S"
    if isinstance(value, Decimal):
        return "N"
    if isinstance(value, bytes):
        return "B"
    if isinstance(value, dict):
        return "M"
    if isinstance(value, list):
        return "L"
    if isinstance(value, set):
        inner = type_of(next(iter(value)))
        return inner + "S"
    raise ValidationError(f"not a normalized value: {value!r}")


def _number_size(value: Decimal) -> int:
    digits = len(value.as_tuple().digits)
    return min(21, (digits + 1) // 2 + 1)


def _value_size(value: Any) -> int:
    kind = type_of(value)
    if kind == "S":
        return len(value.encode("utf-8"))
    if kind == "N":
        return _number_size(value)
    if kind == "B":
        return len(value)
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind == "L":
        return 3 + sum(_value_size(v) + 1 for v in value)
    if kind == "M":
        return 3 + sum(len(k.encode("utf-8")) + _value_size(v) + 1 for k, v in value.items())
    return sum(_value_size(v) for v in value)


def item_size(item: Mapping[str, Any]) -> int:
    """Estimate an item's size in bytes the way DynamoDB counts it (names plus values).

    Examples
    --------
    >>> item_size({"pk": "abc"})
    5
    """
    return sum(len(name.encode("utf-8")) + _value_size(v) for name, v in item.items())


def to_wire(value: Any, binary: Callable[[bytes], Any] = bytes) -> dict[str, Any]:
    """Encode a normalized value as a DynamoDB ``AttributeValue``.

    ``binary`` converts bytes (the identity for boto3, base64 text for JSON storage).

    Examples
    --------
    >>> to_wire({"n": Decimal("1.5"), "ok": True})
    {'M': {'n': {'N': '1.5'}, 'ok': {'BOOL': True}}}
    """
    kind = type_of(value)
    if kind == "NULL":
        return {"NULL": True}
    if kind == "BOOL":
        return {"BOOL": value}
    if kind == "S":
        return {"S": value}
    if kind == "N":
        return {"N": str(value)}
    if kind == "B":
        return {"B": binary(value)}
    if kind == "L":
        return {"L": [to_wire(v, binary) for v in value]}
    if kind == "M":
        return {"M": {k: to_wire(v, binary) for k, v in value.items()}}
    if kind == "SS":
        return {"SS": sorted(value)}
    if kind == "NS":
        return {"NS": [str(v) for v in sorted(value)]}
    return {"BS": [binary(v) for v in sorted(value)]}


def from_wire(wire: Mapping[str, Any], binary: Callable[[Any], bytes] = bytes) -> Any:
    """Decode a DynamoDB ``AttributeValue`` into the item value model.

    Examples
    --------
    >>> from_wire({"NS": ["1", "2"]}) == {Decimal(1), Decimal(2)}
    True
    """
    ((kind, raw),) = wire.items()
    if kind == "NULL":
        return None
    if kind in {"BOOL", "S"}:
        return raw
    if kind == "N":
        return Decimal(raw)
    if kind == "B":
        return binary(raw)
    if kind == "L":
        return [from_wire(v, binary) for v in raw]
    if kind == "M":
        return {k: from_wire(v, binary) for k, v in raw.items()}
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {Decimal(v) for v in raw}
    if kind == "BS":
        return {binary(v) for v in raw}
    raise ValidationError(f"unknown DynamoDB attribute type {kind!r}")


def b64encode(raw: bytes) -> str:
    """Base64 text for bytes, used where items are stored as JSON."""
    return base64.b64encode(raw).decode("ascii")


def b64decode(text: Any) -> bytes:
    """Inverse of :func:`b64encode`."""
    return base64.b64decode(text)


def key_bytes(value: Any) -> bytes:
    """An order-preserving byte encoding of a key value (S, N or B).

    Comparing two encodings with ``memcmp`` orders them as DynamoDB orders sort keys: strings by
    UTF-8 bytes, numbers numerically, binary byte by byte.

    Examples
    --------
    >>> key_bytes(Decimal("-2")) < key_bytes(Decimal("-1.5")) < key_bytes(Decimal(0))
    True
    """
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, bytes):
        return value
    if isinstance(value, Decimal) and not isinstance(value, bool):
        return _number_key(value)
    raise ValidationError(f"key values must be strings, numbers or bytes, got {value!r}")


def _number_key(value: Decimal) -> bytes:
    if value.is_zero():
        return b"\x01"
    sign, digits, exponent = value.normalize(NUMBER_CONTEXT).as_tuple()
    assert isinstance(exponent, int)
    magnitude = len(digits) + exponent  # position of the decimal point after the first digit
    digit_text = bytes(ord("0") + d for d in digits)
    if not sign:
        return b"\x02" + (magnitude + 32768).to_bytes(2, "big") + digit_text
    inverted = bytes(ord("9") - d + ord("0") for d in digits)
    return b"\x00" + (32768 - magnitude).to_bytes(2, "big") + inverted + b"\xff"
