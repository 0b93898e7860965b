"""Words of a challenge or a company text: tokens, light stems, content words and sentences.

Matching works on *stems* so that "transactions" meets "transaction" and "scoring" meets
"score". The stemmer is a handful of suffix rules, deliberately simple: it only has to map the
inflections of one word onto one key, never to produce a dictionary word. Stop words include the
filler of corporate briefs ("looking", "solution", "partner"), which would otherwise match every
company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

from thera_sdk._exceptions import ValidationError

__all__ = [
    "MAX_TEXT_CHARS",
    "STOP_WORDS",
    "Word",
    "check_challenge_text",
    "check_filter_value",
    "content_stems",
    "sentences",
    "stem",
    "words",
]

MAX_TEXT_CHARS = 20_000
MAX_FILTER_CHARS = 200

_WORD = re.compile(r"[^\W_]+(?:['\u2019\-][^\W_]+)*")
_PART = re.compile(r"[^\W_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+|\s+[•·|]\s+")

_STOP_TEXT = """
    a about above across after again against all almost also although always am among an and
    another any are around as at be because been before being below between both but by can
    could did do does doing done down during each either else etc even ever every few for from
    further had has have having he her here hers him his how however i if in into is it its
    itself just least less let like made make makes many may me might more most much must my
    near neither no nor not now of off often on once one only or other others our ours out over
    own per quite rather s same shall she should since so some such than that the their theirs
    them then there these they this those though through thus to too toward towards under
    until up upon us very via was we were what whatever when where whether which while who
    whom whose why will with within without would yet you your yours
    able across actually already currently especially etc get gets getting given go going
    help helps helping ideally including looking look need needs new want wants wanting way
    ways well work working use used using based find finding seek seeking
    challenge challenges company companies corporate business businesses customer customers
    solution solutions partner partners provider providers startup startups team teams
    problem problems today year years lot lots better best good great
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def stem(word: str) -> str:
    """A matching key for a lower-case word: common English suffixes removed.

    Examples
    --------
    >>> [stem(w) for w in ["transactions", "scoring", "score", "payments", "shipping"]]
    ['transact', 'scor', 'scor', 'pay', 'ship']
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    for suffix, replacement in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) + len(replacement) >= 3:
            base = base[: len(base) - len(suffix)] + replacement
            break
    if base.endswith("e") and len(base) > 3:
        base = base[:-1]
    if len(base) > 3 and base[-1] == base[-2] and base[-1] not in "aeiouls":
        base = base[:-1]  # "shipp" (from shipping) -> "ship"
    return base


_SUFFIXES = (
    ("ational", "ate"),
    ("ations", "ate"),
    ("ation", "ate"),
    ("ions", ""),
    ("ion", ""),
    ("ments", ""),
    ("ment", ""),
    ("ness", ""),
    ("ings", ""),
    ("ing", ""),
    ("ies", "y"),
    ("ied", "y"),
    ("sses", "ss"),
    ("ers", ""),
    ("er", ""),
    ("ed", ""),
    ("ly", ""),
    ("es", "e"),
    ("ss", "ss"),
    ("us", "us"),
    ("is", "is"),
    ("s", ""),
)


class Word(NamedTuple):
    """One word of a text: its characters as written and where it sits.

    ``stems`` holds the matching keys of its content parts: "card-not-present" gives
    ``("card", "present")`` ("not" is a stop word).
    """

    text: str
    start: int
    end: int
    stems: tuple[str, ...]


def _key(part: str) -> str:
    """The stem of one lower-case word part, or ``""`` for stop words and bare numbers."""
    cached = _KEYS.get(part)
    if cached is None:
        cached = "" if part in STOP_WORDS or part.isdigit() else stem(part)
        if len(_KEYS) < 200_000:  # bounded: a long-lived process sees an open vocabulary
            _KEYS[part] = cached
    return cached


_KEYS: dict[str, str] = {}


def words(text: str) -> Iterator[Word]:
    """The words of ``text`` in order, each with the stems of its content parts.

    Examples
    --------
    >>> [(w.text, w.stems) for w in words("Real-time fraud scoring.")]
    [('Real-time', ('real', 'tim')), ('fraud', ('fraud',)), ('scoring', ('scor',))]
    """
    for found in _WORD.finditer(text):
        keys = (_key(part) for part in _PART.findall(found.group().casefold()))
        yield Word(found.group(), found.start(), found.end(), tuple(k for k in keys if k))


def content_stems(text: str) -> frozenset[str]:
    """The set of content-word stems of a text (stop words and bare numbers left out).

    Examples
    --------
    >>> sorted(content_stems("We are looking for real-time payments fraud detection"))
    ['detect', 'fraud', 'pay', 'real', 'tim']
    """
    # Hot path (hundreds of descriptions per query): split on spaces, which is much faster
    # than a Unicode regex, and use the regex only on the few tokens with punctuation.
    known = _KEYS.get
    keys = set()
    for token in set(text.casefold().split()):
        for part in (token,) if token.isalnum() else _PART.findall(token):
            key = known(part)
            if key is None:
                key = _key(part)
            if key:
                keys.add(key)
    return frozenset(keys)


def sentences(text: str) -> list[str]:
    """Split a description into sentences (also on line breaks and bullet separators).

    Examples
    --------
    >>> sentences("Acme scores card payments. It serves banks!\\nBuilt in Berlin")
    ['Acme scores card payments.', 'It serves banks!', 'Built in Berlin']
    """
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def _control_characters(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if ch not in "\t\n\r" and unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}
    ]


def check_challenge_text(text: str | bytes) -> str:
    """Return the challenge as clean text, or raise :class:`ValidationError` saying what to fix.

    Bytes must be UTF-8. Text must not be empty, must hold at most 20,000 characters, and must
    not carry NUL or other control characters (a sign of binary content pasted as text).

    Examples
    --------
    >>> check_challenge_text(b"  card fraud at checkout  ")
    'card fraud at checkout'
    >>> check_challenge_text("\\x00\\x01")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    thera_sdk._exceptions.ValidationError: The challenge text contains 2 control character(s) ...
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"The challenge text is not valid UTF-8 (bad byte at position {exc.start}); "
                "send the challenge as UTF-8 text, not a binary file."
            ) from exc
    if not isinstance(text, str):
        raise ValidationError(
            f"The challenge text must be a string, got {type(text).__name__}; pass the text."
        )
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError(
            f"The challenge text has {len(text):,} characters, over the limit of "
            f"{MAX_TEXT_CHARS:,}; shorten it to the problem statement."
        )
    bad = _control_characters(text)
    if bad:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in sorted(set(bad))[:3])
        raise ValidationError(
            f"The challenge text contains {len(bad)} control character(s) (e.g. {shown}), "
            "which looks like binary data; send plain UTF-8 text."
        )
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("The challenge text is empty; describe the problem to solve.")
    if not any(ch.isalnum() for ch in cleaned):
        raise ValidationError(
            "The challenge text has no letters or digits; describe the problem in words."
        )
    return cleaned


def check_filter_value(name: str, value: object) -> str | None:
    """Clean an industry or country filter: ``None`` or blank means "no filter".

    Examples
    --------
    >>> check_filter_value("industry", "  Fintech "), check_filter_value("country", "")
    ('Fintech', None)
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValidationError(
            f"The {name} filter must be text or null, got {type(value).__name__}."
        )
    if len(value) > MAX_FILTER_CHARS or _control_characters(value):
        raise ValidationError(
            f"The {name} filter must be at most {MAX_FILTER_CHARS} characters of plain text; "
            "pass a name such as 'Fintech' or 'Germany'."
        )
    return value.strip() or None


def normalise_label(value: str | None) -> str:
    """The comparison key of an industry or country: case-folded, single-spaced.

    Examples
    --------
    >>> normalise_label("  United   States ")
    'united states'
    """
    return " ".join((value or "").casefold().split())
