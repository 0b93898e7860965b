"""The matcher's request, result and response records, and their JSON forms."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.match._schemas import validate_event
from thera_sdk.match._text import check_challenge_text, check_filter_value

__all__ = ["DEFAULT_LIMIT", "MAX_LIMIT", "MatchRequest", "MatchResponse", "MatchResult"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass(frozen=True)
class MatchRequest:
    """A checked challenge: clean text, optional filters and how many results to return.

    Build it with :meth:`build` (Python arguments) or :meth:`from_event` (a JSON event); both
    raise :class:`ValidationError` with what to fix.

    Examples
    --------
    >>> MatchRequest.build(b"card fraud at checkout", industry=" Fintech ")
    MatchRequest(text='card fraud at checkout', industry='Fintech', country=None, limit=20)
    """

    text: str
    industry: str | None = None
    country: str | None = None
    limit: int = DEFAULT_LIMIT

    @classmethod
    def build(
        cls,
        text: str | bytes,
        industry: str | None = None,
        country: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> MatchRequest:
        """Check the arguments of :func:`match` and return the request.

        Examples
        --------
        >>> MatchRequest.build("fraud", limit=0)
        Traceback (most recent call last):
        ...
        thera_sdk._exceptions.ValidationError: limit must be a whole number from 1 to 100, got 0.
        """
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise ValidationError(
                f"limit must be a whole number from 1 to {MAX_LIMIT}, got {limit!r}."
            )
        request = cls(
            text=check_challenge_text(text),
            industry=check_filter_value("industry", industry),
            country=check_filter_value("country", country),
            limit=limit,
        )
        validate_event(request.to_json(), "match_request")  # the schema stays the one rule set
        return request

    @classmethod
    def from_event(cls, event: Any) -> MatchRequest:
        """Check a matcher event against ``schemas/match_request.json`` and build the request.

        Examples
        --------
        >>> MatchRequest.from_event({"text": "card fraud", "country": "Germany"}).country
        'Germany'
        """
        if not isinstance(event, Mapping):
            raise ValidationError(
                f"The match request must be a JSON object, got {type(event).__name__}; send "
                '{"text": "..."}.'
            )
        if isinstance(event.get("text"), str):
            check_challenge_text(event["text"])  # its messages say more than the schema's
        validate_event(dict(event), "match_request")
        return cls.build(
            event["text"],
            industry=event.get("industry"),
            country=event.get("country"),
            limit=event.get("limit", DEFAULT_LIMIT),
        )

    def to_json(self) -> dict[str, Any]:
        """The request as an event of ``schemas/match_request.json``."""
        return {
            "text": self.text,
            "industry": self.industry,
            "country": self.country,
            "limit": self.limit,
        }


@dataclass(frozen=True)
class MatchResult:
    """One matching startup: its score (model probability), cosine similarity and reasons."""

    startup_id: str
    name: str
    score: float
    similarity: float
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The result as in ``schemas/match_response.json`` (and ``thera match --json``).

        Examples
        --------
        >>> MatchResult("s1", "Acme", 0.9, 0.5, ("industry Fintech matches",)).to_json()["reasons"]
        ['industry Fintech matches']
        """
        return {
            "startup_id": self.startup_id,
            "name": self.name,
            "score": self.score,
            "similarity": self.similarity,
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True)
class MatchResponse:
    """The matches of one request, best first, with the versions that produced them."""

    results: tuple[MatchResult, ...]
    index_version: str
    model_version: str
    candidates: int

    def to_json(self) -> dict[str, Any]:
        """The response as in ``schemas/match_response.json``."""
        return {
            "results": [result.to_json() for result in self.results],
            "index_version": self.index_version,
            "model_version": self.model_version,
            "candidates": self.candidates,
        }
