"""Publishing logic, pure: which records changed, and their private and public forms.

**Incremental by a cursor.** The watermark is the cursor ``(updated_at, startup_id)`` of the last
record published. A record is published when its own ``(updated_at, startup_id)`` sorts after it,
so a re-run over the same input publishes nothing, and a record that changed upstream (a later
``updated_at``) is published again. ``updated_at`` is normalised to fixed-width UTC text
(``2025-01-31T09:00:00.000000Z``) so text order is time order. Known limit: a record that shows up
late with an ``updated_at`` (and id) at or below the watermark is not picked up; a
``full_refresh`` run republishes everything in its input.

**Private record**: the whole input row (``startup_id`` as key), minus bulky columns that belong
in object storage (:data:`BULKY_FIELDS`), with values made storable.

**Public record**: an allow-list (:data:`PUBLIC_FIELDS`, the same as
``schemas/startup_public_record.json``). Contacts and every other personal field are never
copied; free text is masked with :mod:`thera_sdk.privacy`, using the record's own people so their
names are found too. The company ``name`` is masked for addresses and numbers but not for
personal names (a company may carry its founder's name).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from tasks.publisher._records import known_pii, record_id, require_timestamp, storable
from thera_sdk.privacy import KnownPii, mask_text, normalize_text

__all__ = [
    "BULKY_FIELDS",
    "MAX_DESCRIPTION",
    "PUBLIC_FIELDS",
    "Candidate",
    "Cursor",
    "expiry",
    "next_cursor",
    "private_record",
    "public_record",
    "record_hash",
    "select_changed",
]

BULKY_FIELDS = frozenset({"markdown", "html", "raw_html", "vector", "embedding", "page_text"})
PUBLIC_FIELDS = (
    "startup_id", "name", "domain", "website", "description", "industry", "country", "city",
    "keywords", "employees", "founded_year", "linkedin_url", "health_score", "richness",
    "updated_at", "published_at", "expires_at", "record_hash",
)  # fmt: skip
MAX_DESCRIPTION = 4000
_STAMPS = frozenset({"updated_at", "published_at", "expires_at"})  # left out of record_hash
MAX_KEYWORDS = 50
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"^(?=.{{3,253}}$){_LABEL}(?:\.{_LABEL})+$")
_WEBSITE = re.compile(r"^https?://[^\s@<>\"']{3,2000}$", re.IGNORECASE)
_COMPANY_PAGE = re.compile(
    r"^(?:https?://)?(?:[a-z]{2,3}\.)?linkedin\.com/(?:company|school|showcase)/[^\s@/?#]+/?$",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Cursor:
    """Where the last publish stopped: ``(updated_at, startup_id)``, compared in that order.

    Examples
    --------
    >>> Cursor.parse(Cursor("2025-01-31T00:00:00.000000Z", "s1").dump()).startup_id
    's1'
    """

    updated_at: str
    startup_id: str

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor stored as JSON text (``None`` for no watermark yet)."""
        if not text:
            return None
        data = json.loads(text)
        return cls(str(data["updated_at"]), str(data["startup_id"]))

    def dump(self) -> str:
        """JSON text for the parameters port."""
        return json.dumps({"updated_at": self.updated_at, "startup_id": self.startup_id})


@dataclass(frozen=True)
class Candidate:
    """An input row to publish, with its id and normalised ``updated_at``."""

    startup_id: str
    updated_at: str
    row: Mapping[str, Any]

    @property
    def cursor(self) -> Cursor:
        """This record's position in publishing order."""
        return Cursor(self.updated_at, self.startup_id)


def select_changed(
    rows: Iterable[tuple[Mapping[str, Any], str | None]], after: Cursor | None
) -> tuple[list[Candidate], int]:
    """The rows to publish, in cursor order, and how many rows had no id.

    Parameters
    ----------
    rows
        ``(row, fallback_updated_at)`` pairs; the fallback (the row's partition day) is used
        when the row has no ``updated_at``.
    after
        The watermark; ``None`` publishes every row.

    Returns
    -------
    tuple
        The latest version of each changed record (one per id), sorted by cursor, and the count
        of rows skipped for lack of an id.

    Examples
    --------
    >>> rows = [({"id": "a", "updated_at": "2025-01-02"}, None),
    ...         ({"id": "b", "updated_at": "2025-01-01"}, None)]
    >>> picked, _ = select_changed(rows, Cursor("2025-01-01T00:00:00.000000Z", "b"))
    >>> [c.startup_id for c in picked]
    ['a']
    """
    latest: dict[str, Candidate] = {}
    missing_id = 0
    for row, fallback in rows:
        key = record_id(row)
        if key is None:
            missing_id += 1
            continue
        candidate = Candidate(key, require_timestamp(row, fallback), row)
        if key not in latest or candidate.updated_at >= latest[key].updated_at:
            latest[key] = candidate
    chosen = [c for c in latest.values() if after is None or c.cursor > after]
    return sorted(chosen, key=lambda c: c.cursor), missing_id


def next_cursor(published: Iterable[Candidate], current: Cursor | None) -> Cursor | None:
    """The watermark after publishing ``published``: it never moves back.

    Examples
    --------
    >>> next_cursor([], None) is None
    True
    """
    cursors = [c.cursor for c in published] + ([current] if current else [])
    return max(cursors) if cursors else None


def expiry(now: float, ttl_days: int) -> int:
    """The TTL attribute: epoch seconds ``ttl_days`` after ``now``.

    Examples
    --------
    >>> expiry(1_700_000_000.5, 1)
    1700086400
    """
    return int(now) + ttl_days * 86_400


def record_hash(row: Mapping[str, Any]) -> str:
    """SHA-256 of the row's storable content, independent of key order.

    Examples
    --------
    >>> record_hash({"a": 1, "b": 2}) == record_hash({"b": 2, "a": 1})
    True
    """
    text = json.dumps(storable(dict(row)), sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def private_record(candidate: Candidate, *, published_at: str, expires_at: int) -> dict[str, Any]:
    """The full record for ``startups-private``; ``record_hash`` covers the content only (not
    ``updated_at`` or the publish stamps), so it changes exactly when the data does.

    Examples
    --------
    >>> c = Candidate("s1", "2025-01-31T00:00:00.000000Z", {"id": "s1", "markdown": "# big"})
    >>> sorted(private_record(c, published_at="2025-02-01T00:00:00.000000Z", expires_at=1))
    ['expires_at', 'id', 'published_at', 'record_hash', 'startup_id', 'updated_at']
    """
    body = {k: storable(v) for k, v in candidate.row.items() if k not in BULKY_FIELDS}
    return {
        **body,
        "startup_id": candidate.startup_id,
        "updated_at": candidate.updated_at,
        "published_at": published_at,
        "expires_at": expires_at,
        "record_hash": record_hash({k: v for k, v in body.items() if k != "updated_at"}),
    }


def _text(value: Any, known: KnownPii | None, limit: int) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    # only the kept part is masked (plus a margin, so data cut by the limit is still found whole)
    masked = mask_text(value[: limit + 512], known).strip()
    return masked[:limit] if masked else None


def _number(value: Any, low: float, high: float, *, integer: bool) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not low <= value <= high or value != value:  # NaN fails every comparison
        return None
    return int(value) if integer else float(value)


def _keywords(value: Any, known: KnownPii) -> list[str] | None:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, (list, tuple)):
        return None
    kept: list[str] = []
    for word in value:
        if not isinstance(word, str) or not word.strip():
            continue
        masked = mask_text(word, known).strip()
        if masked == normalize_text(word).strip() and masked[:100] not in kept:
            kept.append(masked[:100])  # a keyword holding personal data is dropped, not masked
    return kept[:MAX_KEYWORDS] or None


def _public_url(value: Any, pattern: re.Pattern[str], known: KnownPii) -> str | None:
    if not isinstance(value, str) or not pattern.match(value.strip()):
        return None
    url = value.strip()
    return url if mask_text(url, known) == url else None  # a personal link is dropped


def public_record(candidate: Candidate, *, published_at: str, expires_at: int) -> dict[str, Any]:
    """The record for ``startups-public``: the allow-list only, free text masked.

    Examples
    --------
    >>> row = {"id": "s1", "name": "Acme", "description": "Ask Jane Doe: +44 20 7946 0958",
    ...        "contacts": [{"name": "Jane Doe", "email": "jane@acme.io"}]}
    >>> c = Candidate("s1", "2025-01-31T00:00:00.000000Z", row)
    >>> public_record(c, published_at="2025-02-01T00:00:00.000000Z",
    ...               expires_at=1)["description"]
    'Ask [redacted-name]: [redacted-phone]'
    """
    row = candidate.row
    known = known_pii(row)
    domain = row.get("domain")
    domain = domain.strip().lower() if isinstance(domain, str) else None
    domain = domain if domain and _DOMAIN.match(domain) else None
    fields: dict[str, Any] = {
        "startup_id": candidate.startup_id,
        "name": _text(row.get("name"), None, 512) or domain or candidate.startup_id,
        "domain": domain,
        "website": _public_url(row.get("website") or row.get("url"), _WEBSITE, known),
        "description": _text(row.get("description"), known, MAX_DESCRIPTION),
        "industry": _text(row.get("industry"), known, 200),
        "country": _text(row.get("country"), known, 100),
        "city": _text(row.get("city"), known, 200),
        "keywords": _keywords(row.get("keywords"), known),
        "employees": _number(row.get("employees"), 0, 10_000_000, integer=True),
        "founded_year": _number(row.get("founded_year"), 1800, 2100, integer=True),
        "linkedin_url": _public_url(row.get("linkedin_url"), _COMPANY_PAGE, known),
        "health_score": _number(row.get("health_score"), 0, 100, integer=False),
        "richness": _number(row.get("richness"), 0, 1e9, integer=False),
        "updated_at": candidate.updated_at,
        "published_at": published_at,
        "expires_at": expires_at,
    }
    public = {k: v for k, v in fields.items() if v is not None}
    content = {k: v for k, v in public.items() if k not in _STAMPS}
    public["record_hash"] = record_hash(content)  # changes only when the content does
    return public
