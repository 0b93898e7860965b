"""Known personal data of one record (its contacts), found again inside free text.

Generic patterns cannot recognise a person's name, and they leave out a few ambiguous forms of
addresses and numbers; a record's own contacts tell us exactly what to look for:

- a name is matched whole, case-insensitively, in either order (``Jane Doe``, ``doe, jane``),
  with or without accents; each part of two letters or more is also matched alone as a whole
  word, as written, in title case or in capitals (``Doe``, ``DOE``; not ``doe``, so common
  words that are also surnames stay readable in lower case);
- an address is matched in any form :mod:`~thera_sdk.privacy._patterns` knows, and also with a
  bare ``at`` and a literal dot (``jane at acme.com``);
- a number is matched when a digit run shares at least its last 7 digits with it, so
  ``+44 20 7946 0958`` also hides ``020 7946 0958`` and ``7946 0958`` ... ``946 0958``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from thera_sdk.privacy._patterns import AT_VARIANTS, DOT_VARIANTS, digit_runs
from thera_sdk.privacy._text import digits_of, normalize_text

__all__ = ["KnownPii"]

_SUFFIX_DIGITS = 7
_EXTENSION = re.compile(r"\s*(?:ext(?:ension)?\.?|x|#)\s*\d{1,6}\s*$", re.IGNORECASE)
_NAME_KEYS = (
    "name",
    "full_name",
    "first_name",
    "last_name",
    "given_name",
    "family_name",
    "person_name",
    "contact_name",
)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip():
            yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _strings(item)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _escape(text: str) -> str:
    # apostrophes are written in several ways (ASCII, U+2019, U+02BC)
    return re.escape(text).replace("'", "['\u2019\u02bc]")


def _word(text: str) -> str:
    return rf"(?<!\w){_escape(text)}(?!\w)"


@dataclass(frozen=True)
class KnownPii:
    """The names, e-mail addresses, phone numbers and profile links of one record's people.

    Examples
    --------
    >>> known = KnownPii.from_contacts([{"name": "Jane Doe", "phone": "+1 555 123 4567"}])
    >>> known.names, known.phones
    (('Jane Doe',), ('+1 555 123 4567',))
    """

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()

    @classmethod
    def from_contacts(cls, contacts: Iterable[Any] | None) -> KnownPii:
        """Collect personal data from contact entries.

        An entry is a mapping (keys holding ``name``/``first_name``/``last_name``, anything
        with ``email``, ``phone``, ``mobile``, ``tel`` or ``fax``, anything with ``linkedin`` or
        ``url``) or a plain string, taken as a name.

        Examples
        --------
        >>> KnownPii.from_contacts([{"first_name": "Jane", "last_name": "Doe",
        ...                          "emails": ["jane@acme.com"]}]).names
        ('Jane Doe', 'Jane', 'Doe')
        """
        names: list[str] = []
        emails: list[str] = []
        phones: list[str] = []
        urls: list[str] = []
        for contact in contacts or ():
            if isinstance(contact, str):
                names.extend(_strings(contact))
                continue
            if not isinstance(contact, Mapping):
                continue
            first, last = contact.get("first_name"), contact.get("last_name")
            if isinstance(first, str) and isinstance(last, str) and first.strip() and last.strip():
                names.append(f"{first.strip()} {last.strip()}")
            for key, value in contact.items():
                lowered = str(key).lower()
                if lowered in _NAME_KEYS:
                    names.extend(_strings(value))
                elif "email" in lowered or lowered == "mail":
                    emails.extend(_strings(value))
                elif any(word in lowered for word in ("phone", "mobile", "tel", "fax")):
                    phones.extend(_strings(value))
                elif "linkedin" in lowered or "url" in lowered:
                    urls.extend(_strings(value))
        return cls(*(tuple(dict.fromkeys(v)) for v in (names, emails, phones, urls)))

    def merged(self, other: KnownPii) -> KnownPii:
        """Both sets of known data together.

        Examples
        --------
        >>> KnownPii(names=("A B",)).merged(KnownPii(emails=("a@b.io",))).emails
        ('a@b.io',)
        """
        return KnownPii(
            *(
                tuple(dict.fromkeys(mine + theirs))
                for mine, theirs in (
                    (self.names, other.names),
                    (self.emails, other.emails),
                    (self.phones, other.phones),
                    (self.urls, other.urls),
                )
            )
        )

    # -- compiled matchers (built once per instance) -------------------------------------------
    @cached_property
    def _name_pattern(self) -> re.Pattern[str] | None:
        whole: set[str] = set()
        parts: set[str] = set()
        for raw in self.names:
            for name in {normalize_text(raw).strip(), _strip_accents(normalize_text(raw)).strip()}:
                tokens = [t.strip(".,") for t in name.split()]
                tokens = [t for t in tokens if t]
                if len(tokens) > 1:
                    forward = r"\s+".join(_escape(t) for t in tokens)
                    backward = (
                        _escape(tokens[-1])
                        + r"\s*,\s*"
                        + r"\s+".join(_escape(t) for t in tokens[:-1])
                    )
                    whole.update({f"(?i:{forward})", f"(?i:{backward})"})
                for token in tokens:
                    for piece in {token, *token.split("-")}:
                        if sum(c.isalpha() for c in piece) >= 2:
                            parts.update({piece, piece.title(), piece.upper()})
        if not whole and not parts:
            return None
        alternatives = sorted(whole, key=len, reverse=True) + [
            _word(p) for p in sorted(parts, key=len, reverse=True)
        ]
        return re.compile("|".join(alternatives))

    @cached_property
    def _email_pattern(self) -> re.Pattern[str] | None:
        forms = []
        for raw in self.emails:
            address = normalize_text(raw).strip().removeprefix("mailto:")
            local, at, domain = address.rpartition("@")
            if not at or not local or not domain:
                continue
            local_rx = DOT_VARIANTS.join(re.escape(p) for p in local.split("."))
            domain_rx = DOT_VARIANTS.join(re.escape(p) for p in domain.split("."))
            forms.append(rf"{local_rx}(?:{AT_VARIANTS}|\s+at\s+){domain_rx}")
        return re.compile("|".join(forms), re.IGNORECASE) if forms else None

    @cached_property
    def _phone_suffixes(self) -> frozenset[str]:
        suffixes = set()
        for raw in self.phones:
            digits = digits_of(_EXTENSION.sub("", normalize_text(raw)))
            if len(digits) >= _SUFFIX_DIGITS:
                suffixes.add(digits[-_SUFFIX_DIGITS:])
        return frozenset(suffixes)

    @cached_property
    def _url_pattern(self) -> re.Pattern[str] | None:
        forms = []
        for raw in self.urls:
            url = normalize_text(raw).strip()
            bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.IGNORECASE).rstrip("/")
            if len(bare) >= 6:
                forms.append(r"(?:https?://)?(?:www\.)?" + re.escape(bare) + r"/?")
        return re.compile("|".join(forms), re.IGNORECASE) if forms else None

    # -- matching --------------------------------------------------------------------------------
    def spans(self, text: str) -> Iterator[tuple[str, int, int]]:
        """``(kind, start, end)`` of every known value in normalised ``text``.

        Examples
        --------
        >>> known = KnownPii(names=("Jane Doe",))
        >>> [(k, a, b) for k, a, b in known.spans("by DOE, Jane")]
        [('name', 3, 12)]
        """
        for kind, pattern in (
            ("email", self._email_pattern),
            ("profile", self._url_pattern),
            ("name", self._name_pattern),
        ):
            if pattern is not None:
                for match in pattern.finditer(text):
                    if match.end() > match.start():
                        yield kind, match.start(), match.end()
        if self._phone_suffixes:
            for start, end, digits in digit_runs(text):
                if len(digits) >= _SUFFIX_DIGITS and any(
                    suffix in digits or digits in suffix for suffix in self._phone_suffixes
                ):
                    yield "phone", start, end
