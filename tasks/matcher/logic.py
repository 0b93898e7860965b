"""The matcher task's logic: a checked request in, a checked response out.

Everything that scores lives in :mod:`thera_sdk.match`, shared with the SDK's ``match()``;
:meth:`~thera_sdk.match.Matcher.run` checks the response against
``schemas/match_response.json`` before it is returned, so this module only parses the event
(``schemas/match_request.json``).
"""

from __future__ import annotations

from typing import Any

from thera_sdk.match import Matcher, MatchRequest

__all__ = ["answer"]


def answer(event: Any, matcher: Matcher) -> dict[str, Any]:
    """Validate a match event, answer it and return the response JSON.

    Raises :class:`thera_sdk.ValidationError` for a bad request (empty, oversized, binary or
    non-UTF-8 text, unknown fields, a bad limit).

    Examples
    --------
    >>> answer({"text": "card fraud at checkout", "industry": "Fintech"},
    ...        matcher)["results"][0]["reasons"]  # doctest: +SKIP
    ['describes real-time transaction fraud scoring', 'industry Fintech matches']
    """
    return matcher.run(MatchRequest.from_event(event)).to_json()
