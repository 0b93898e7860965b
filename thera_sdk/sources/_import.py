"""The file source: a user's own list of companies, as CSV or JSON Lines.

The import format has these fields (``schemas/company_import.json`` describes one record):

=================  ========================================================================
field              rule
=================  ========================================================================
``id``             your id for the company; optional when ``domain`` is given
``name``           required
``domain``         ``acme.io`` or a URL (scheme, ``www.`` and path are dropped)
``description``    free text
``industry``       free text, e.g. ``Fintech``
``country``        free text, e.g. ``Germany``
``city``           free text
``keywords``       a list (JSONL) or text split on ``;`` or ``|`` (CSV)
``employees``      a whole number, 0 or more
``founded_year``   a year between 1800 and next year
``linkedin_url``   an http(s) URL on linkedin.com
(anything else)    kept as text in the company's ``extra`` map
=================  ========================================================================

A CSV file needs a header row naming the columns. Rows that break a rule are reported with
their line number and the reason; every other row is kept. Ids must be unique in a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from thera_sdk.sources._exceptions import ImportFormatError
from thera_sdk.sources._models import Company, normalize_domain

__all__ = ["IMPORT_FIELDS", "ImportResult", "RowError", "company_from_row", "read_companies"]

IMPORT_FIELDS = (
    "id", "name", "domain", "description", "industry", "country", "city", "keywords",
    "employees", "founded_year", "linkedin_url",
)
_TEXT_LIMIT = 20_000
_SPLIT = re.compile(r"[;|]")


@dataclass(frozen=True)
class RowError:
    """A row that was not imported: its ``line`` (1-based) and what is wrong with it."""

    line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        """The error as a plain dict."""
        return {"line": self.line, "message": self.message}


@dataclass
class ImportResult:
    """The companies read from a file, and the rows refused (with line numbers)."""

    format: str
    companies: list[Company] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def rows(self) -> int:
        """Rows seen (kept plus refused)."""
        return len(self.companies) + len(self.errors)


def _text(row: Mapping[str, Any], name: str) -> str | None:
    value = row.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and name == "id":
            value = str(value)
        else:
            raise ValueError(f"{name} must be text, got {type(value).__name__}")
    cleaned = " ".join(value.split())
    if len(cleaned) > _TEXT_LIMIT:
        raise ValueError(f"{name} is longer than {_TEXT_LIMIT} characters")
    return cleaned or None


def _integral(value: Any) -> bool:
    if isinstance(value, float):
        return value.is_integer()
    return isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value) is not None


def _whole(row: Mapping[str, Any], name: str, low: int, high: int | None) -> int | None:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif _integral(value):
        number = int(value)
    if number is None or number < low or (high is not None and number > high):
        bound = f"between {low} and {high}" if high is not None else f"{low} or more"
        raise ValueError(f"{name} must be a whole number {bound}, got {value!r}")
    return number


def _keywords(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = _SPLIT.split(value)
    elif isinstance(value, list):
        items = value
    else:
        raise ValueError("keywords must be a list of text, or text separated by ';' or '|'")
    if not all(isinstance(item, str) for item in items):
        raise ValueError("keywords must all be text")
    return tuple(dict.fromkeys(" ".join(k.split()) for k in items if k.strip()))


def _linkedin(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
    except ValueError:
        host, parts = "", None
    if parts is None or parts.scheme not in {"http", "https"} or not (
        host == "linkedin.com" or host.endswith(".linkedin.com")
    ):
        raise ValueError(f"linkedin_url must be an http(s) URL on linkedin.com, got {value!r}")
    return value


def _extra_value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def company_from_row(row: Mapping[str, Any], *, source: str = "file") -> Company:
    """Validate one import record and build its :class:`Company`.

    Raises ``ValueError`` naming the first rule the row breaks.

    Examples
    --------
    >>> company = company_from_row({"name": "Acme", "domain": "https://www.acme.io/",
    ...                             "keywords": "fraud; payments", "employees": "12",
    ...                             "stage": "seed"})
    >>> company.id, company.domain, company.keywords, company.employees, dict(company.extra)
    ('acme.io', 'acme.io', ('fraud', 'payments'), 12, {'stage': 'seed'})
    >>> company_from_row({"name": "Acme", "domain": "acme.io", "employees": "many"})
    Traceback (most recent call last):
    ...
    ValueError: employees must be a whole number 0 or more, got 'many'
    """
    name = _text(row, "name")
    if not name:
        raise ValueError("name is required")
    domain_text = _text(row, "domain")
    domain = normalize_domain(domain_text)
    if domain_text and domain is None:
        raise ValueError(f"domain {domain_text!r} is not a domain name like 'acme.io'")
    company_id = _text(row, "id") or domain
    if not company_id:
        raise ValueError("give an id or a domain, so the company can be told apart")
    next_year = dt.date.today().year + 1
    extra = {
        str(key): _extra_value(value)
        for key, value in row.items()
        if key not in IMPORT_FIELDS and key and value not in (None, "", [], {})
    }
    return Company(
        id=company_id,
        name=name,
        domain=domain,
        description=_text(row, "description"),
        industry=_text(row, "industry"),
        country=_text(row, "country"),
        city=_text(row, "city"),
        keywords=_keywords(row.get("keywords")),
        employees=_whole(row, "employees", 0, None),
        founded_year=_whole(row, "founded_year", 1800, next_year),
        linkedin_url=_linkedin(_text(row, "linkedin_url")),
        extra=extra,
        source=source,
    )


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and import again."
        ) from exc


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError(f"{name} is empty; the first line must name the columns.") from None
    except csv.Error as exc:
        raise ImportFormatError(f"{name}: the header line is not valid CSV ({exc}).") from exc
    columns = [column.strip().lower() for column in header]
    if "" in columns or len(set(columns)) != len(columns):
        raise ImportFormatError(
            f"{name}: the header has an empty or repeated column name ({header}); name each "
            "column once."
        )
    if "name" not in columns:
        raise ImportFormatError(
            f"{name}: the header has no 'name' column; the import format is "
            f"{', '.join(IMPORT_FIELDS)} (plus any columns of your own)."
        )
    last = reader.line_num
    while True:
        start = last + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f"not valid CSV ({exc})"
            return  # the reader cannot resynchronise after a broken quote
        last = reader.line_num
        if not values or all(not v.strip() for v in values):
            continue
        if len(values) > len(columns):
            yield start, f"has {len(values)} fields but the header names {len(columns)}"
            continue
        yield start, dict(zip(columns, values, strict=False))


def _jsonl_rows(text: str) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            yield number, f"not valid JSON ({exc.args[0] if exc.args else exc})"
            continue
        if not isinstance(record, dict):
            yield number, "is JSON but not an object; write one {...} per line"
            continue
        yield number, record


def _guess_format(text: str, name: str) -> str:
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".jsonl.txt")):
        return "jsonl"
    if lowered.endswith((".csv", ".tsv")):
        return "csv"
    return "jsonl" if text.lstrip().startswith("{") else "csv"


def read_companies(
    source: str | Path | bytes | IO[bytes],
    *,
    format: str | None = None,
    name: str | None = None,
) -> ImportResult:
    """Read companies from a CSV or JSONL import file; bad rows are reported, not fatal.

    Parameters
    ----------
    source
        A path, the file's bytes, or a binary stream.
    format
        ``"csv"`` or ``"jsonl"``; guessed from the file name or the first character if omitted.
    name
        How to call the file in messages (defaults to the path).

    Raises
    ------
    ImportFormatError
        The file as a whole cannot be read (not UTF-8, no header, unknown format).

    Examples
    --------
    >>> result = read_companies(b"id,name,domain,employees\\n1,Acme,acme.io,12\\n2,,x.io,3\\n")
    >>> [c.name for c in result.companies], [(e.line, e.message) for e in result.errors]
    (['Acme'], [(3, 'name is required')])
    """
    if isinstance(source, (str, Path)):
        path = Path(source)
        label = name or str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFormatError(f"Cannot read {label}: {exc.strerror or exc}.") from exc
    elif isinstance(source, bytes):
        data, label = source, name or "the import file"
    else:
        data, label = source.read(), name or str(getattr(source, "name", "the import file"))
    text = _decode(data, label)
    kind = (format or _guess_format(text, label)).lower()
    if kind not in {"csv", "jsonl"}:
        raise ImportFormatError(f"Unknown import format {format!r}; use 'csv' or 'jsonl'.")
    rows = _csv_rows(text, label) if kind == "csv" else _jsonl_rows(text)
    result = ImportResult(format=kind)
    first_line: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            result.errors.append(RowError(line, row))
            continue
        try:
            company = company_from_row(row)
        except ValueError as exc:
            result.errors.append(RowError(line, str(exc)))
            continue
        if company.id in first_line:
            result.errors.append(
                RowError(line, f"id {company.id!r} repeats line {first_line[company.id]}")
            )
            continue
        first_line[company.id] = line
        result.companies.append(company)
    return result
