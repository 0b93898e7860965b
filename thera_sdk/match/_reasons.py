"""Why a company matched, in a few short phrases a person can check against its profile.

The main reason quotes the company's own description: the sentence sharing the most content
words with the challenge, cut down to the words around the shared ones ("describes real-time
transaction fraud scoring for card issuers"). Matching keywords, the industry and country
filters and the state of the company's site follow.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from thera_sdk.match._text import Word, content_stems, sentences, words

__all__ = ["HEALTHY_SCORE", "RICH_CONTENT", "CompanyFacts", "describe", "explain"]

HEALTHY_SCORE = 70.0  # domain health (0-100) from which a site counts as healthy
RICH_CONTENT = 0.5  # content richness (0-1) from which a site counts as rich
MAX_PHRASE_WORDS = 12
MIN_SHARED_WORDS = 2  # one shared word ("bank") is too thin to quote a sentence for
_EXTEND = 2  # content words kept after the last shared one
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]]")
_BOUNDARY_TEXT = """
    provide provides providing offer offers offering build builds building develop develops
    enable enables enabling deliver delivers allow allows lets let make makes power powers
    help helps is are was were be
"""
_BOUNDARY = frozenset(_BOUNDARY_TEXT.split())


@dataclass(frozen=True)
class CompanyFacts:
    """What the reasons of one result are drawn from."""

    name: str
    description: str
    keywords: Sequence[str]
    industry: str
    country: str
    industry_match: bool
    country_match: bool
    industry_asked: bool  # the request filtered on industry (else: named in the text)
    country_asked: bool
    richness: float
    health_score: float
    similarity: float


def _shared(word: Word, challenge: frozenset[str]) -> set[str]:
    return {s for s in word.stems if s in challenge}


def _extendable(word: Word, name: frozenset[str]) -> bool:
    folded = word.text.casefold()
    return bool(word.stems) and folded not in _BOUNDARY and folded not in name


def _best_window(ws: list[Word], challenge: frozenset[str]) -> tuple[int, int, int] | None:
    """(distinct shared stems, first word, last word) of the best window of a sentence."""
    hits = [i for i, w in enumerate(ws) if _shared(w, challenge)]
    best: tuple[int, int, int] | None = None
    for a_pos, a in enumerate(hits):
        seen: set[str] = set()
        for b in hits[a_pos:]:
            if b - a + 1 > MAX_PHRASE_WORDS:
                break
            seen |= _shared(ws[b], challenge)
            candidate = (len(seen), a, b)
            if best is None or (candidate[0], a - b) > (best[0], best[1] - best[2]):
                best = candidate
    return best


def _phrase(sentence: str, ws: list[Word], first: int, last: int, name: frozenset[str]) -> str:
    # Grow to the right only: that completes an object ("for card issuers"); growing to the
    # left mostly picks up the subject ("engine scores ...").
    for _ in range(min(_EXTEND, MAX_PHRASE_WORDS - (last - first + 1))):
        if last + 1 >= len(ws) or not _extendable(ws[last + 1], name):
            break
        if _CLAUSE_BREAK.search(sentence, ws[last].end, ws[last + 1].start):
            break  # "online stores: shoppers" -> stop at the colon
        last += 1
    text = " ".join(sentence[ws[first].start : ws[last].end].split())
    head = ws[first].text
    if head[:1].isupper() and head[1:] == head[1:].lower():
        text = text[:1].lower() + text[1:]  # "Real-time" -> "real-time"; keep "AML", "iOS"
    return text


def describe(challenge: frozenset[str], description: str, name: str = "") -> str | None:
    """The part of ``description`` that best covers the challenge's content words, or ``None``.

    The quoted part grows by up to two content words to the right, never onto the company's
    ``name`` or a verb such as "provides".

    Examples
    --------
    >>> from thera_sdk.match._text import content_stems
    >>> describe(content_stems("we lose money to card-not-present fraud; need real-time "
    ...                        "scoring of transactions"),
    ...          "Acme was founded in 2019. It provides real-time transaction fraud scoring "
    ...          "for card issuers.")
    'real-time transaction fraud scoring for card issuers'
    """
    if len(challenge & content_stems(description)) < MIN_SHARED_WORDS:
        return None  # decided without splitting sentences
    best, best_shared = "", 0
    for sentence in sentences(description):
        shared = len(challenge & content_stems(sentence))
        if shared > best_shared:  # the earliest sentence wins a tie
            best, best_shared = sentence, shared
    if best_shared < MIN_SHARED_WORDS:
        return None
    ws = list(words(best))
    window = _best_window(ws, challenge)
    if window is None or window[0] < MIN_SHARED_WORDS:
        return None
    name_words = frozenset(w.text.casefold() for w in words(name))
    return _phrase(best, ws, window[1], window[2], name_words)


def _site(richness: float, health_score: float) -> str | None:
    healthy = not math.isnan(health_score) and health_score >= HEALTHY_SCORE
    rich = not math.isnan(richness) and richness >= RICH_CONTENT
    if healthy and rich:
        return "site healthy, rich content"
    if healthy:
        return "site healthy"
    if rich:
        return "rich site content"
    return None


def explain(challenge: frozenset[str], facts: CompanyFacts) -> list[str]:
    """The reasons of one match, most specific first.

    Examples
    --------
    >>> from thera_sdk.match._text import content_stems
    >>> explain(content_stems("real-time card fraud"), CompanyFacts(
    ...     "Acme", "Real-time card fraud scoring.", ["payments"], "Fintech", "Germany",
    ...     True, False, True, False, 0.8, 95.0, 0.61))
    ... # doctest: +NORMALIZE_WHITESPACE
    ['describes real-time card fraud scoring', 'industry Fintech matches',
     'site healthy, rich content']
    """
    reasons: list[str] = []
    phrase = describe(challenge, facts.description, facts.name)
    if phrase:
        reasons.append(f"describes {phrase}")
    missing = challenge - content_stems(phrase or "")
    tags = [k for k in facts.keywords if content_stems(k) & missing]
    if tags:
        reasons.append("keywords " + ", ".join(tags[:3]))
    if not reasons:
        reasons.append(f"close in meaning to the challenge (similarity {facts.similarity:.2f})")
    for kind, label, matched, asked in (
        ("industry", facts.industry, facts.industry_match, facts.industry_asked),
        ("country", facts.country, facts.country_match, facts.country_asked),
    ):
        if matched and label:
            reasons.append(
                f"{kind} {label} matches" if asked else f"{kind} {label} named in the challenge"
            )
    site = _site(facts.richness, facts.health_score)
    if site:
        reasons.append(site)
    return reasons
