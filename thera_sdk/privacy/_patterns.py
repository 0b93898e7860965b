"""Generic detectors: e-mail addresses (plain and obfuscated), phone numbers, profile links.

They run on normalised text (:func:`thera_sdk.privacy.normalize_text`) and return spans. They
prefer recall: masking a few harmless words is acceptable, leaking an address is not.

E-mail forms found without any hint (``@`` also stands for the full-width
U+FF20, ``&#64;``, ``%40``):

- ``jane.doe@acme.com``, ``jane @ acme . com``, ``jane@localhost`` (no TLD, no spaces);
- bracketed words or symbols: ``jane [at] acme [dot] com``, ``jane(at)acme(dot)com``,
  ``jane{at}acme.com``, ``jane<at>acme<dot>com``, ``jane [@] acme [.] com``;
- bare words: ``jane at acme dot com``, ``jane dot doe AT acme DOT co DOT uk``.
  A bare ``at`` counts only when a spelled-out or bracketed ``dot`` follows it, so that
  ``visit us at acme.com`` stays readable; such a form is masked only for a known contact's
  address (see :class:`thera_sdk.privacy.KnownPii`);
- any other bracketed ``at``/``@``, ``&#64;`` or ``%40`` (a half-hidden address), together with
  the word on each side, and any token with an ``@`` after something (``@acme`` alone stays).

Phone numbers: runs of digits joined by short runs of separators (white space, ``.``, ``-``,
dashes, ``/``, parentheses), optionally led by ``+``, ``00``, ``tel:`` or an area code in
parentheses, with an optional extension (``ext. 12``, ``x12``). A run is a phone number when it
has at least 7 digits with an international or area-code lead, or at least 9 digits without; a
plain date (``2025-01-31``, ``31.01.2025``) is never one. Shorter local numbers are masked only
when they match a known contact's number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from thera_sdk.privacy._text import digits_of

__all__ = [
    "AT_VARIANTS",
    "DOT_VARIANTS",
    "email_spans",
    "phone_spans",
    "profile_spans",
]

_OPEN, _CLOSE = r"[\[\(\{<]", r"[\]\)\}>]"
AT_VARIANTS = rf"(?:\s*{_OPEN}\s*(?:at|@)\s*{_CLOSE}\s*|\s*(?:@|&\#0*64;|&\#x0*40;|%40)\s*)"
_BARE_AT = r"(?:\s+at\s+)"
_SPELLED_DOT = rf"(?:\s*{_OPEN}\s*(?:dot|\.)\s*{_CLOSE}\s*|\s+dot\s+|&\#0*46;|&\#x0*2e;|%2e)"
DOT_VARIANTS = rf"(?:{_SPELLED_DOT}|\s+\.\s+|\.)"

# Lengths are bounded (RFC 5321: 64 for a local part, 63 per label) and a local part starts only
# at the start of a word: together they keep matching linear on long words and digit runs.
_LOCAL_CHARS = r"\w+%'=!#$&*/?^`|~-"
_LOCAL_CHUNK = rf"[{_LOCAL_CHARS}]{{1,64}}"
_LOCAL = rf"(?<![.{_LOCAL_CHARS}]){_LOCAL_CHUNK}(?:{DOT_VARIANTS}{_LOCAL_CHUNK}){{0,8}}"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_TLD = r"[^\W\d_]{2,24}(?![\w])"

_EMAIL_WITH_TLD = re.compile(
    rf"{_LOCAL}{AT_VARIANTS}{_LABEL}(?:{DOT_VARIANTS}{_LABEL}){{0,8}}{DOT_VARIANTS}{_TLD}",
    re.IGNORECASE,
)
_EMAIL_NO_TLD = re.compile(rf"{_LOCAL}@{_LABEL}", re.IGNORECASE)
_EMAIL_BARE = re.compile(
    rf"{_LOCAL}{_BARE_AT}{_LABEL}{_SPELLED_DOT}(?:{_LABEL}{DOT_VARIANTS}){{0,8}}{_TLD}",
    re.IGNORECASE,
)
# An obfuscated "at" that no full form explains is still a half-hidden address: mask it with
# the words around it.
_LONE_AT = re.compile(
    rf"(?:(?<![\w.+-])[\w.+-]{{1,64}}\s*)?(?:{_OPEN}\s*(?:at|@)\s*{_CLOSE}|&\#0*64;|&\#x0*40;|%40)"
    r"(?:\s*[\w.-]{1,255})?",
    re.IGNORECASE,
)

# Last resort: any token with an "@" inside (a handle like "@acme" has nothing before it).
_AT_TOKEN = re.compile(r"[^\s@]{1,128}@[^\s@]{1,128}")

_SEPARATOR = r"[\s.\-\u2010-\u2015\u2212/()]"
_PHONE = re.compile(
    r"(?:(?P<lead>tel:\s*\+?\s*|\(\s*\+?\s*|\+\s*)|(?<!\d))"  # a bare run starts a number
    rf"\d(?:{_SEPARATOR}{{0,3}}\d){{5,}}"
    r"(?P<ext>\s*(?:ext(?:ension)?\.?|x|\#)\s*\d{1,6})?",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:[ T]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}(?: \d{1,2})?"
)
_PROFILE = re.compile(
    r"(?:https?://)?(?:[\w-]{1,63}\.){0,4}linkedin\.com/(?:in|pub|profile)/"
    r"(?:[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])?",
    re.IGNORECASE,
)

MIN_DIGITS_WITH_LEAD = 7
MIN_DIGITS_PLAIN = 9


def email_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of e-mail addresses in ``text``, in any of the forms the module lists.

    Spans of different forms may overlap; :func:`thera_sdk.privacy.mask_text` unites them.

    Examples
    --------
    >>> text = "write to jane [at] acme [dot] com"
    >>> [text[a:b] for a, b in email_spans(text)][0]
    'jane [at] acme [dot] com'
    """
    for pattern in (_EMAIL_WITH_TLD, _EMAIL_BARE, _EMAIL_NO_TLD, _LONE_AT, _AT_TOKEN):
        for match in pattern.finditer(text):
            yield match.span()


def phone_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of phone numbers in ``text`` (see the module docstring for the rule).

    Examples
    --------
    >>> text = "call +44 20 7946 0958, founded 2019-2021"
    >>> [text[a:b] for a, b in phone_spans(text)]
    ['+44 20 7946 0958']
    """
    for match in _PHONE.finditer(text):
        start, end = match.span()
        number = text[start : match.end(0) - len(match.group("ext") or "")]
        digits = digits_of(number)
        lead = (match.group("lead") or "").lower()
        if not lead and _DATE.fullmatch(number.strip("() ")):
            continue
        led = "+" in lead or "tel:" in lead or "(" in number or digits.startswith("00")
        if len(digits) >= (MIN_DIGITS_WITH_LEAD if led else MIN_DIGITS_PLAIN):
            yield start, end


def digit_runs(text: str) -> Iterator[tuple[int, int, str]]:
    """Every digit run (as :func:`phone_spans` sees them, 6 digits or more) with its digits.

    Examples
    --------
    >>> list(digit_runs("ext 123-4567"))
    [(4, 12, '1234567')]
    """
    for match in _PHONE.finditer(text):
        start, end = match.span()
        yield start, end, digits_of(text[start : match.end(0) - len(match.group("ext") or "")])


def profile_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of personal profile links (LinkedIn ``/in/``, ``/pub/``).

    Examples
    --------
    >>> text = "see linkedin.com/in/jane-doe-42 for more"
    >>> [text[a:b] for a, b in profile_spans(text)]
    ['linkedin.com/in/jane-doe-42']
    """
    for match in _PROFILE.finditer(text):
        yield match.span()
