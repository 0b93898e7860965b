"""The matcher task: answers a challenge from the in-memory matcher index.

``handler`` is the Lambda entry point; ``answer`` applies the request and response schemas
around :meth:`thera_sdk.match.Matcher.run`.
"""

from tasks.matcher.handler import handler
from tasks.matcher.logic import answer

__all__ = ["answer", "handler"]
