"""The normalised company record both sources produce, its content hash and its Arrow schema.

Public fields go to bronze tables everyone in the pipeline reads; contact data (people, emails,
phone numbers) is kept apart in :class:`Contacts` and only ever written to the private zone.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pyarrow as pa

__all__ = [
    "COMPANY_SCHEMA",
    "CONTACTS_SCHEMA",
    "Company",
    "Contacts",
    "companies_table",
    "contacts_table",
    "content_hash",
    "normalize_domain",
]

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(text: str | None) -> str | None:
    """The bare registrable host of a domain or URL, or ``None`` when there is none.

    Scheme, path, port, ``www.`` and a trailing dot are dropped; the result is lower-case
    ASCII (IDNA for international names) with at least two labels.

    Examples
    --------
    >>> normalize_domain("https://WWW.Acme.io/about")
    'acme.io'
    >>> normalize_domain("not a domain") is None
    True
    """
    if not text or not isinstance(text, str):
        return None
    raw = text.strip()
    if not raw or any(ch.isspace() for ch in raw):
        return None
    try:
        host = urlsplit(raw if "://" in raw else f"http://{raw}").hostname or ""
    except ValueError:
        return None
    host = host.rstrip(".").removeprefix("www.")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    labels = host.lower().split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # an IP address is not a company domain
        return None
    return ".".join(labels)


@dataclass(frozen=True)
class Contacts:
    """Private contact data of one company: never written to a public table."""

    company_id: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # one JSON object per person, as the source gave it

    def is_empty(self) -> bool:
        """Whether there is nothing to store."""
        return not (self.phones or self.emails or self.people)

    def as_dict(self) -> dict[str, Any]:
        """The contacts as a plain dict."""
        return {
            "company_id": self.company_id,
            "phones": list(self.phones),
            "emails": list(self.emails),
            "people": list(self.people),
        }


@dataclass(frozen=True)
class Company:
    """A company in the import format (the public part of a source's record).

    ``extra`` keeps every other field the source had, as text (JSON for non-text values).
    """

    id: str
    name: str
    domain: str | None = None
    description: str | None = None
    industry: str | None = None
    country: str | None = None
    city: str | None = None
    keywords: tuple[str, ...] = ()
    employees: int | None = None
    founded_year: int | None = None
    linkedin_url: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)
    source: str = "file"

    def as_dict(self) -> dict[str, Any]:
        """The company as a plain dict (keywords as a list, extra as a dict)."""
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "description": self.description,
            "industry": self.industry,
            "country": self.country,
            "city": self.city,
            "keywords": list(self.keywords),
            "employees": self.employees,
            "founded_year": self.founded_year,
            "linkedin_url": self.linkedin_url,
            "extra": dict(sorted(self.extra.items())),
            "source": self.source,
        }


def content_hash(
    company: Company,
    contacts: Contacts | None = None,
    *,
    ignore_extra: frozenset[str] = frozenset(),
) -> str:
    """A SHA-256 of everything that makes the record what it is, stable across runs.

    ``ignore_extra`` names ``extra`` fields that change without the company changing (rankings,
    intent signals), so they do not make every company "changed" on every pass.

    Examples
    --------
    >>> a = Company("1", "Acme", "acme.io", extra={"rank": "5"})
    >>> b = Company("1", "Acme", "acme.io", extra={"rank": "6"})
    >>> content_hash(a) == content_hash(b)
    False
    >>> stable = frozenset({"rank"})
    >>> content_hash(a, ignore_extra=stable) == content_hash(b, ignore_extra=stable)
    True
    """
    record = company.as_dict()
    record["extra"] = {k: v for k, v in record["extra"].items() if k not in ignore_extra}
    if contacts is not None and not contacts.is_empty():
        record["contacts"] = contacts.as_dict()
    text = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


COMPANY_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("name", pa.string()),
        ("domain", pa.string()),
        ("description", pa.string()),
        ("industry", pa.string()),
        ("country", pa.string()),
        ("city", pa.string()),
        ("keywords", pa.list_(pa.string())),
        ("employees", pa.int64()),
        ("founded_year", pa.int32()),
        ("linkedin_url", pa.string()),
        ("extra", pa.map_(pa.string(), pa.string())),
        ("source", pa.string()),
    ]
)

CONTACTS_SCHEMA = pa.schema(
    [
        ("company_id", pa.string()),
        ("phones", pa.list_(pa.string())),
        ("emails", pa.list_(pa.string())),
        ("people", pa.list_(pa.string())),
    ]
)


def companies_table(
    companies: list[Company], columns: Mapping[str, tuple[pa.DataType, list[Any]]] | None = None
) -> pa.Table:
    """Companies as an Arrow table in :data:`COMPANY_SCHEMA`, plus optional extra ``columns``
    (name -> (type, values)).

    Examples
    --------
    >>> companies_table([Company("1", "Acme", "acme.io")]).num_rows
    1
    """
    rows = [c.as_dict() for c in companies]
    for row in rows:
        row["extra"] = list(row["extra"].items())
    table = pa.Table.from_pylist(rows, schema=COMPANY_SCHEMA)
    for name, (kind, values) in (columns or {}).items():
        table = table.append_column(pa.field(name, kind), pa.array(values, kind))
    return table


def contacts_table(contacts: list[Contacts]) -> pa.Table:
    """Contacts as an Arrow table in :data:`CONTACTS_SCHEMA`.

    Examples
    --------
    >>> contacts_table([Contacts("1", phones=("+1 555 0100",))]).num_rows
    1
    """
    return pa.Table.from_pylist([c.as_dict() for c in contacts], schema=CONTACTS_SCHEMA)
