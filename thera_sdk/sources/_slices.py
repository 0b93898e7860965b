"""The configured universe of companies, cut into search queries ("slices") Apollo can page
through: one query shows at most 500 pages of 100, so a slice must hold fewer than 50,000.

A universe is the product of locations x employee ranges x keyword tags (each optional) over
some shared filters. A slice that turns out to be too big is split in two along its employee
range (``"1,200"`` becomes ``"1,100"`` and ``"101,200"``), again and again if needed.

Filters are sent in the JSON body under the names the reference lists without the ``[]`` of
their query-string form (``organization_locations: [...]``), which is how a Rails API like
Apollo's reads both.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.sources._apollo import APOLLO_MAX_PAGES, APOLLO_MAX_PER_PAGE

__all__ = ["DEFAULT_EMPLOYEE_RANGES", "Slice", "Universe", "split_slice"]

DEFAULT_EMPLOYEE_RANGES = (
    "1,10", "11,20", "21,50", "51,100", "101,200", "201,500", "501,1000", "1001,5000",
    "5001,10000", "10001,",
)
_LOCATIONS = "organization_locations"
_RANGES = "organization_num_employees_ranges"
_TAGS = "q_organization_keyword_tags"


@dataclass(frozen=True)
class Slice:
    """One search query: its ``filters`` (the JSON body without paging) and a stable ``id``."""

    id: str
    filters: Mapping[str, Any]

    @classmethod
    def of(cls, filters: Mapping[str, Any]) -> Slice:
        """The slice for ``filters``; equal filters always give the same id.

        Examples
        --------
        >>> Slice.of({"organization_locations": ["Germany"]}).id == Slice.of(
        ...     {"organization_locations": ["Germany"]}).id
        True
        """
        text = json.dumps(filters, sort_keys=True, separators=(",", ":"))
        return cls(hashlib.sha256(text.encode("utf-8")).hexdigest()[:16], dict(filters))


def _range(text: str) -> tuple[int, int | None]:
    low, _, high = text.partition(",")
    try:
        return int(low), (int(high) if high.strip() else None)
    except ValueError as exc:
        raise ValidationError(
            f"Employee range {text!r} must look like '11,50' (or '10001,' for no upper bound)."
        ) from exc


def split_slice(piece: Slice) -> list[Slice] | None:
    """Two slices that together cover ``piece``, or ``None`` when it cannot be cut further.

    Examples
    --------
    >>> halves = split_slice(Slice.of({"organization_num_employees_ranges": ["1,200"]}))
    >>> [h.filters["organization_num_employees_ranges"] for h in halves]
    [['1,100'], ['101,200']]
    >>> split_slice(Slice.of({"organization_num_employees_ranges": ["7,7"]})) is None
    True
    """
    ranges = piece.filters.get(_RANGES)
    if not ranges:
        return [Slice.of({**piece.filters, _RANGES: [r]}) for r in DEFAULT_EMPLOYEE_RANGES]
    if len(ranges) != 1:
        return [Slice.of({**piece.filters, _RANGES: [r]}) for r in ranges]
    low, high = _range(str(ranges[0]))
    if high is None:
        middle = max(low * 2, low + 1)
        parts = [f"{low},{middle}", f"{middle + 1},"]
    elif high > low:
        middle = (low + high) // 2
        parts = [f"{low},{middle}", f"{middle + 1},{high}"]
    else:
        return None
    return [Slice.of({**piece.filters, _RANGES: [part]}) for part in parts]


@dataclass(frozen=True)
class Universe:
    """Which companies to pull, as dimensions whose product gives the slices.

    Parameters
    ----------
    locations
        HQ locations (country, US state or city); empty: anywhere.
    employee_ranges
        ``"lo,hi"`` ranges; the default covers every size in ten bands.
    keyword_tags
        Keyword tags (``"fintech"``); empty: any.
    filters
        Filters every query carries (e.g. ``{"latest_funding_amount_range": {"min": 1}}``).
    per_page
        Companies per page, at most 100.
    max_pages
        Pages one query may show (Apollo: 500); a slice over it is split.

    Examples
    --------
    >>> universe = Universe(locations=("Germany", "France"), employee_ranges=("1,10", "11,50"))
    >>> len(universe.slices())
    4
    """

    locations: tuple[str, ...] = ()
    employee_ranges: tuple[str, ...] = DEFAULT_EMPLOYEE_RANGES
    keyword_tags: tuple[str, ...] = ()
    filters: Mapping[str, Any] = field(default_factory=dict)
    per_page: int = APOLLO_MAX_PER_PAGE
    max_pages: int = APOLLO_MAX_PAGES

    def __post_init__(self) -> None:
        if not 1 <= self.per_page <= APOLLO_MAX_PER_PAGE:
            raise ValidationError(f"per_page must be 1-{APOLLO_MAX_PER_PAGE}, got {self.per_page}.")
        if not 1 <= self.max_pages <= APOLLO_MAX_PAGES:
            raise ValidationError(f"max_pages must be 1-{APOLLO_MAX_PAGES}, got {self.max_pages}.")
        for text in self.employee_ranges:
            _range(text)
        clash = {_LOCATIONS, _RANGES, _TAGS} & set(self.filters)
        if clash:
            raise ValidationError(
                f"Set {sorted(clash)} through locations / employee_ranges / keyword_tags, not "
                "in filters: they are the dimensions the universe is sliced along."
            )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Universe:
        """A universe from its JSON form (the ``universe`` of the task's event).

        Examples
        --------
        >>> Universe.from_dict({"locations": ["Germany"], "per_page": 50}).per_page
        50
        """

        def strings(name: str, default: Sequence[str] = ()) -> tuple[str, ...]:
            value = data.get(name, default)
            if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
                raise ValidationError(f"universe.{name} must be a list of strings.")
            return tuple(value)

        filters = data.get("filters", {})
        if not isinstance(filters, Mapping):
            raise ValidationError("universe.filters must be an object of Apollo search filters.")
        return cls(
            locations=strings("locations"),
            employee_ranges=strings("employee_ranges", DEFAULT_EMPLOYEE_RANGES),
            keyword_tags=strings("keyword_tags"),
            filters=dict(filters),
            per_page=int(data.get("per_page", APOLLO_MAX_PER_PAGE)),
            max_pages=int(data.get("max_pages", APOLLO_MAX_PAGES)),
        )

    def slices(self) -> list[Slice]:
        """The base slices, in a stable order (splits are recorded by the puller)."""
        pieces: list[Slice] = []
        for location, size, tag in itertools.product(
            self.locations or (None,), self.employee_ranges or (None,), self.keyword_tags or (None,)
        ):
            filters = dict(self.filters)
            if location is not None:
                filters[_LOCATIONS] = [location]
            if size is not None:
                filters[_RANGES] = [size]
            if tag is not None:
                filters[_TAGS] = [tag]
            pieces.append(Slice.of(filters))
        return pieces
