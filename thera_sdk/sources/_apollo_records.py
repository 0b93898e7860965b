"""Apollo organization records to :class:`Company` (public) and :class:`Contacts` (private).

Any field whose name mentions a phone, an email, a person or a contact is private wherever it
sits (at the top or nested in ``account``); everything else that is not a named company field
is kept in ``extra``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from thera_sdk.sources._models import Company, Contacts, normalize_domain

__all__ = ["VOLATILE_FIELDS", "company_from_apollo"]

_PRIVATE = re.compile(r"phone|e_?mail|people|person|contact", re.IGNORECASE)
_NAMED = frozenset(
    {
        "id", "name", "primary_domain", "short_description", "seo_description", "industry",
        "industries", "country", "city", "keywords", "estimated_num_employees", "founded_year",
        "linkedin_url",
    }
)
# Fields that move without the company changing; left out of the content hash.
VOLATILE_FIELDS = frozenset(
    {"alexa_ranking", "show_intent", "has_intent_signal_account", "intent_signal_account",
     "intent_strength"}
)


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


class _Private:
    """Collects private values met while scrubbing a record."""

    def __init__(self) -> None:
        self.phones: dict[str, None] = {}
        self.emails: dict[str, None] = {}
        self.people: list[str] = []

    def take(self, key: str, value: Any) -> None:
        lowered = key.lower()
        if "people" in lowered or "person" in lowered or "contact" in lowered:
            items = value if isinstance(value, list) else [value]
            self.people += [json.dumps(v, sort_keys=True) for v in items if v]
            return
        for text in _strings(value):
            if "@" in text:
                self.emails.setdefault(text, None)
            elif "phone" in lowered:
                self.phones.setdefault(text, None)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, Mapping):
        # primary_phone: {number, sanitized_number, source}: keep the number, not the source
        for key in ("sanitized_number", "number", "email", "address"):
            if isinstance(value.get(key), str) and value[key].strip():
                return [value[key].strip()]
        return []
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _scrub(value: Any, private: _Private) -> Any:
    if isinstance(value, Mapping):
        kept = {}
        for key, inner in value.items():
            if _PRIVATE.search(str(key)):
                private.take(str(key), inner)
            else:
                kept[key] = _scrub(inner, private)
        return kept
    if isinstance(value, list):
        return [_scrub(item, private) for item in value]
    return value


def company_from_apollo(org: Mapping[str, Any]) -> tuple[Company, Contacts]:
    """Split one Apollo organization into its public :class:`Company` and private
    :class:`Contacts`. Raises ``ValueError`` when the record has no ``id``.

    Examples
    --------
    >>> company, contacts = company_from_apollo({
    ...     "id": "5f1", "name": "Acme", "primary_domain": "acme.io", "founded_year": 2019,
    ...     "primary_phone": {"number": "+1 555 0100", "source": "Owler"},
    ...     "website_url": "http://www.acme.io"})
    >>> company.domain, company.founded_year, dict(company.extra)
    ('acme.io', 2019, {'website_url': 'http://www.acme.io'})
    >>> contacts.phones
    ('+1 555 0100',)
    """
    apollo_id = org.get("id")
    if not isinstance(apollo_id, (str, int)) or isinstance(apollo_id, bool) or not str(apollo_id):
        raise ValueError("An Apollo organization without an 'id' cannot be tracked.")
    private = _Private()
    clean = _scrub(dict(org), private)
    industries = clean.get("industries")
    industry = _text(clean.get("industry")) or (
        _text(industries[0]) if isinstance(industries, list) and industries else None
    )
    keywords = clean.get("keywords")
    extra: dict[str, str] = {}
    for key, value in clean.items():
        if key in _NAMED or value is None or value == "" or value == [] or value == {}:
            continue
        extra[str(key)] = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    company = Company(
        id=str(apollo_id),
        name=_text(clean.get("name")) or "",
        domain=normalize_domain(clean.get("primary_domain"))
        or normalize_domain(clean.get("website_url")),
        description=_text(clean.get("short_description")) or _text(clean.get("seo_description")),
        industry=industry,
        country=_text(clean.get("country")),
        city=_text(clean.get("city")),
        keywords=tuple(k.strip() for k in keywords if isinstance(k, str) and k.strip())
        if isinstance(keywords, list)
        else (),
        employees=_int(clean.get("estimated_num_employees")),
        founded_year=_int(clean.get("founded_year")),
        linkedin_url=_text(clean.get("linkedin_url")),
        extra=extra,
        source="apollo",
    )
    contacts = Contacts(
        company_id=str(apollo_id),
        phones=tuple(private.phones),
        emails=tuple(private.emails),
        people=tuple(private.people),
    )
    return company, contacts
