"""Named parameters in SQL text: ``:name`` placeholders replaced by SQL literals.

A placeholder is ``:`` followed by a letter or ``_`` and then letters, digits or ``_``. It is
recognised outside string literals, quoted identifiers and comments, and not after another ``:``
(so a ``::`` cast is left alone). Values become Trino literals:

============================  =============================================
Python value                  SQL literal
============================  =============================================
``None``                      ``NULL``
``bool``                      ``TRUE`` / ``FALSE``
``int``, ``Decimal``          ``42``, ``12.50`` (an exact number)
``float``                     ``0.5e0`` (a double)
``str``                       ``'it''s'`` (quotes doubled)
``bytes``                     ``X'00ff'``
``datetime.date``             ``DATE '2025-01-31'``
``datetime.datetime``         ``TIMESTAMP '2025-01-31 12:00:00.000000'`` (aware values in UTC)
list / tuple / set            ``(a, b, c)``, for ``IN :ids`` (not empty)
============================  =============================================
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from thera_sdk._exceptions import ValidationError

__all__ = ["format_query", "sql_literal"]

_SCANNER = re.compile(
    r"""
    (?P<string>'(?:[^']|'')*'?)
  | (?P<ident>"(?:[^"]|"")*"?)
  | (?P<line>--[^\n]*)
  | (?P<block>/\*.*?(?:\*/|$))
  | (?P<cast>::)
  | (?P<param>:[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>[^'"\-/:]+|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def sql_literal(value: Any, name: str = "value") -> str:
    """Render one Python value as a Trino SQL literal.

    Examples
    --------
    >>> sql_literal("O'Brien"), sql_literal(dt.date(2025, 1, 31)), sql_literal([1, 2])
    ("'O''Brien'", "DATE '2025-01-31'", '(1, 2)')
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValidationError(f"Parameter :{name} is {value}; pass a finite number or None.")
        return format(value, "f")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"Parameter :{name} is {value}; pass a finite number or None.")
        text = repr(value)
        return text if "e" in text else text + "e0"
    if isinstance(value, str):
        if "\x00" in value:
            raise ValidationError(f"Parameter :{name} contains a NUL character.")
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, (bytes, bytearray)):
        return "X'" + bytes(value).hex() + "'"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='microseconds')}'"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else list(value)
        if not items:
            raise ValidationError(
                f"Parameter :{name} is an empty list; SQL has no empty IN list, so skip the "
                "query or the condition instead."
            )
        return "(" + ", ".join(sql_literal(item, name) for item in items) + ")"
    raise ValidationError(
        f"Parameter :{name} has type {type(value).__name__}; pass None, bool, int, Decimal, "
        "float, str, bytes, date, datetime or a list of those."
    )


def format_query(sql: str, params: Mapping[str, Any] | None = None) -> str:
    """Replace every ``:name`` in ``sql`` by the literal of ``params[name]``.

    Every placeholder needs a value and every value must be used, else :class:`ValidationError`
    names them.

    Examples
    --------
    >>> format_query("SELECT * FROM t WHERE id IN :ids AND note = ':x'", {"ids": [1, 2]})
    "SELECT * FROM t WHERE id IN (1, 2) AND note = ':x'"
    """
    values = dict(params or {})
    used: set[str] = set()
    missing: list[str] = []
    out: list[str] = []
    for match in _SCANNER.finditer(sql):
        kind, text = match.lastgroup, match.group()
        if kind == "param":
            name = text[1:]
            if name in values:
                used.add(name)
                out.append(sql_literal(values[name], name))
            else:
                missing.append(name)
                out.append(text)
        else:
            out.append(text)
    if missing:
        raise ValidationError(
            f"The query uses :{', :'.join(sorted(set(missing)))} but no value was given; pass "
            "them in params."
        )
    unused = sorted(set(values) - used)
    if unused:
        raise ValidationError(
            f"Parameters {unused} do not appear in the query (as :name); remove them or fix "
            "the query."
        )
    return "".join(out)
