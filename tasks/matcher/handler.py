"""The matcher Lambda: a challenge in, the best-matching startups with reasons out.

Event (``schemas/match_request.json``)::

    {"text": "Our regional bank loses money to card-not-present fraud", "industry": "Fintech",
     "country": null, "limit": 20}

Returns ``schemas/match_response.json``. The matcher (index and model in memory) is built once
per warm process from the ``THERA_*`` environment and reloads only when a ``current.json``
pointer moves. A bad request raises :class:`thera_sdk.ValidationError`.
"""

from __future__ import annotations

from typing import Any

from tasks.matcher.logic import answer
from thera_sdk.match import Matcher, default_matcher

__all__ = ["handler"]


def handler(event: Any, context: Any = None, *, matcher: Matcher | None = None) -> dict[str, Any]:
    """Answer one match request.

    Examples
    --------
    >>> handler({"text": "card fraud at checkout"}, None)["results"][0]["name"]  # doctest: +SKIP
    'Acme Risk'
    """
    return answer(event, matcher or default_matcher())
