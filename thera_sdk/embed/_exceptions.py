"""Errors of the embeddings package, under the SDK's root :class:`~thera_sdk.TheraError`.

::

    ConfigurationError
    └── EmbedderUnavailableError    the embedder's extra is not installed, or its files are gone
    RequestError
    └── EmbeddingRequestError       the model service refused or failed a text after retries
"""

from __future__ import annotations

from thera_sdk._exceptions import ConfigurationError, RequestError

__all__ = ["EmbedderUnavailableError", "EmbeddingRequestError"]


class EmbedderUnavailableError(ConfigurationError):
    """The embedder cannot be built here; the message says what to install or configure."""


class EmbeddingRequestError(RequestError):
    """A text could not be embedded; ``index`` is its position in the batch."""

    def __init__(self, message: str, *, index: int | None = None, code: str | None = None):
        super().__init__(message)
        self.index = index
        self.code = code
