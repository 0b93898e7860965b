"""The companies of a matcher index, held column by column for fast filtering and lookups.

Built once per index version from ``meta.parquet`` (row ``i`` describes vector ``i``). Numeric
columns become float arrays with NaN for null; text stays in Arrow and is taken out only for the
few hundred candidates of a query, so a million-row index costs no Python objects per row. The
content words of each profile are tokenised once, here (see :class:`TermIndex`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from thera_sdk._exceptions import DataFormatError
from thera_sdk.match._terms import TermIndex
from thera_sdk.match._text import normalise_label

__all__ = ["META_COLUMNS", "CompanyTable", "CompanyText", "Labels"]

META_COLUMNS = (
    "startup_id",
    "name",
    "domain",
    "description",
    "industry",
    "country",
    "city",
    "keywords",
    "employees",
    "founded_year",
    "richness",
    "health_score",
)
_REQUIRED = ("startup_id", "name")
_TEXT_CHUNK = 20_000
_EMPTY_ROWS = np.empty(0, dtype=np.int64)


@dataclass(frozen=True)
class CompanyText:
    """The text columns of some rows of the table, in the order the rows were asked for."""

    startup_ids: list[str]
    names: list[str]
    descriptions: list[str]
    industries: list[str]
    countries: list[str]
    keywords: list[list[str]]


def _float_column(table: pa.Table, name: str) -> np.ndarray:
    if name not in table.column_names:
        return np.full(table.num_rows, np.nan)
    column = table.column(name)
    try:
        values = pc.cast(column, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise DataFormatError(
            f"Matcher index column {name!r} is {column.type}, not a number; rebuild the index."
        ) from exc
    return np.asarray(values.to_numpy(), dtype=np.float64)


def _string_column(table: pa.Table, name: str) -> pa.Array:
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    column = table.column(name).combine_chunks()
    if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
        column = pc.cast(column, pa.string())
    return column


def _keywords_column(table: pa.Table) -> pa.Array:
    if "keywords" not in table.column_names:
        return pa.nulls(table.num_rows, pa.list_(pa.string()))
    return table.column("keywords").combine_chunks()


@dataclass(frozen=True)
class Labels:
    """One label column (industry or country) encoded once: a code per row, the labels as
    written (``names[code]``; code ``-1`` for null) and the rows of each normalised label."""

    codes: np.ndarray
    names: list[str]
    rows: dict[str, np.ndarray]

    @classmethod
    def encode(cls, column: pa.Array) -> Labels:
        """Encode a string column; rows per label come out in ascending order."""
        encoded = pc.dictionary_encode(column)
        codes = np.asarray(encoded.indices.fill_null(-1).to_numpy(), dtype=np.int64)
        names = [str(name) for name in encoded.dictionary.to_pylist()]
        rows = np.flatnonzero(codes >= 0)
        order = np.argsort(codes[rows], kind="stable")
        sorted_rows = rows[order]
        bounds = np.flatnonzero(np.diff(codes[sorted_rows])) + 1
        groups: dict[str, list[np.ndarray]] = {}
        for chunk in np.split(sorted_rows, bounds):
            if chunk.size:
                key = normalise_label(names[int(codes[chunk[0]])])
                if key:
                    groups.setdefault(key, []).append(chunk)
        merged = {key: np.sort(np.concatenate(parts)) for key, parts in groups.items()}
        return cls(codes, names, merged)


class CompanyTable:
    """Column arrays of the companies in an index, with filters and per-row term sets.

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = CompanyTable(pa.table({
    ...     "startup_id": ["s1", "s2"], "name": ["Acme", "Bolt"],
    ...     "industry": ["Fintech", "Health"], "country": ["Germany", "France"],
    ...     "description": ["Card fraud scoring.", "Clinic scheduling."]}))
    >>> table.rows_for(industry="FINTECH").tolist(), sorted(table.terms.stems(0))
    ([0], ['card', 'fraud', 'scor'])
    """

    def __init__(self, meta: pa.Table) -> None:
        missing = [name for name in _REQUIRED if name not in meta.column_names]
        if missing:
            raise DataFormatError(
                f"Matcher index metadata lacks column(s) {missing}; rebuild the index."
            )
        self.num_rows = meta.num_rows
        self._ids = _string_column(meta, "startup_id")
        self._names = _string_column(meta, "name")
        self._descriptions = _string_column(meta, "description")
        self._industries = _string_column(meta, "industry")
        self._countries = _string_column(meta, "country")
        self._keywords = _keywords_column(meta)
        self.richness = _float_column(meta, "richness")
        self.health_score = _float_column(meta, "health_score")
        self.employees = _float_column(meta, "employees")
        self.founded_year = _float_column(meta, "founded_year")
        self.industries = Labels.encode(self._industries)
        self.countries = Labels.encode(self._countries)
        self._row_of: dict[str, int] | None = None
        self.terms = TermIndex.build(self._profile_texts())

    def __len__(self) -> int:
        return self.num_rows

    def _profile_texts(self) -> Iterator[str]:
        """Keywords and description of each row, read a slice at a time to bound memory."""
        for start in range(0, self.num_rows, _TEXT_CHUNK):
            keywords = self._keywords.slice(start, _TEXT_CHUNK).to_pylist()
            descriptions = self._descriptions.slice(start, _TEXT_CHUNK).to_pylist()
            for words, description in zip(keywords, descriptions, strict=True):
                yield " ".join([*(str(w) for w in words or () if w), description or ""])

    def rows_for(
        self, industry: str | None = None, country: str | None = None
    ) -> np.ndarray | None:
        """Row numbers (ascending) whose industry and country equal the filters, ignoring case.

        ``None`` when neither filter is given (every row); an unknown value selects no row.
        """
        selected: np.ndarray | None = None
        for value, labels in ((industry, self.industries), (country, self.countries)):
            if value is None:
                continue
            rows = labels.rows.get(normalise_label(value), _EMPTY_ROWS)
            selected = rows if selected is None else np.intersect1d(selected, rows)
        return None if selected is None else selected.astype(np.int64, copy=False)

    def labels(self, kind: str) -> list[str]:
        """The distinct normalised industries (``kind="industry"``) or countries, sorted."""
        return sorted((self.industries if kind == "industry" else self.countries).rows)

    def text(self, rows: Sequence[int] | np.ndarray) -> CompanyText:
        """The text columns of ``rows``; nulls become empty strings or lists."""
        indices = pa.array(np.asarray(rows, dtype=np.int64))

        def strings(column: pa.Array) -> list[str]:
            return [value or "" for value in column.take(indices).to_pylist()]

        keywords: list[Any] = self._keywords.take(indices).to_pylist()
        return CompanyText(
            startup_ids=strings(self._ids),
            names=strings(self._names),
            descriptions=strings(self._descriptions),
            industries=strings(self._industries),
            countries=strings(self._countries),
            keywords=[[str(k) for k in (value or []) if k] for value in keywords],
        )

    def row_of(self, startup_id: str) -> int | None:
        """The row of a startup id (the first, if an id repeats), or ``None``."""
        if self._row_of is None:
            mapping: dict[str, int] = {}
            for row, value in enumerate(self._ids.to_pylist()):
                if value is not None:
                    mapping.setdefault(value, row)
            self._row_of = mapping
        return self._row_of.get(startup_id)
