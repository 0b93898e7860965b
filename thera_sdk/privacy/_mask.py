"""Finding and masking personal data in free text.

Every detector (generic patterns and the record's :class:`KnownPii`) runs on the same normalised
text; their spans are united, so one detector missing a form never hides what another found,
and each united span becomes one placeholder. Placeholders hold no digits, ``@`` or capitals, so
masking twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from thera_sdk.privacy._known import KnownPii
from thera_sdk.privacy._patterns import email_spans, phone_spans, profile_spans
from thera_sdk.privacy._text import normalize_text

__all__ = ["PLACEHOLDERS", "Finding", "contains_pii", "find_pii", "mask_text"]

PLACEHOLDERS = {
    "email": "[redacted-email]",
    "phone": "[redacted-phone]",
    "profile": "[redacted-profile]",
    "name": "[redacted-name]",
}
_PRIORITY = ("email", "profile", "phone", "name")  # the label a merged span keeps
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


@dataclass(frozen=True)
class Finding:
    """One piece of personal data: its ``kind`` (``email``, ``phone``, ``profile``, ``name``)
    and where it sits in the *normalised* text."""

    kind: str
    start: int
    end: int
    text: str


def _raw_spans(text: str, known: KnownPii | None) -> list[tuple[str, int, int]]:
    spans = [("email", a, b) for a, b in email_spans(text)]
    spans += [("profile", a, b) for a, b in profile_spans(text)]
    spans += [("phone", a, b) for a, b in phone_spans(text)]
    if known is not None:
        spans += list(known.spans(text))
    return spans


def _united(text: str, known: KnownPii | None) -> list[Finding]:
    spans = sorted(_raw_spans(text, known), key=lambda s: (s[1], -s[2]))
    placeholders = [m.span() for m in _PLACEHOLDER.finditer(text)]
    merged: list[tuple[set[str], int, int]] = []
    for kind, start, end in spans:
        inside = any(a <= start and end <= b for a, b in placeholders)
        if inside:
            continue  # already masked: keeps masking idempotent
        for a, b in placeholders:  # a span cutting into a placeholder swallows it whole
            if start < b and a < end:
                start, end = min(start, a), max(end, b)
        if merged and start < merged[-1][2]:
            kinds, first, last = merged[-1]
            merged[-1] = (kinds | {kind}, first, max(last, end))
        else:
            merged.append(({kind}, start, end))
    return [
        Finding(next(k for k in _PRIORITY if k in kinds), start, end, text[start:end])
        for kinds, start, end in merged
    ]


def find_pii(text: str, known: KnownPii | None = None) -> list[Finding]:
    """The personal data in ``text``, as non-overlapping findings in order.

    Offsets refer to ``normalize_text(text)``.

    Parameters
    ----------
    text
        Free text (a description, a keyword, a page title).
    known
        The record's own contacts, so their names and short numbers are found too.

    Examples
    --------
    >>> [(f.kind, f.text) for f in find_pii("Jane: jane(at)acme.io or +1 555 010 9999",
    ...                                     KnownPii(names=("Jane Doe",)))]
    [('name', 'Jane'), ('email', 'jane(at)acme.io'), ('phone', '+1 555 010 9999')]
    """
    return _united(normalize_text(text), known)


def mask_text(text: str, known: KnownPii | None = None) -> str:
    """``text`` normalised, with each piece of personal data replaced by its placeholder.

    Parameters
    ----------
    text
        Free text.
    known
        The record's own contacts (names are only masked when given here).

    Returns
    -------
    str
        The masked text; :data:`PLACEHOLDERS` shows what replaces what.

    Examples
    --------
    >>> mask_text("Ask Jane Doe: jane.doe [at] acme [dot] com, +44 20 7946 0958.",
    ...           KnownPii(names=("Jane Doe",)))
    'Ask [redacted-name]: [redacted-email], [redacted-phone].'
    """
    normal = normalize_text(text)
    out = []
    position = 0
    for finding in _united(normal, known):
        out.append(normal[position : finding.start])
        out.append(PLACEHOLDERS[finding.kind])
        position = finding.end
    out.append(normal[position:])
    return "".join(out)


def contains_pii(text: str, known: KnownPii | None = None) -> bool:
    """Whether :func:`find_pii` finds anything in ``text``.

    Examples
    --------
    >>> contains_pii("Fraud scoring for card-not-present payments since 2019")
    False
    """
    return bool(find_pii(text, known))
