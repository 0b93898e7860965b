"""The pure batcher: items in order, grouped so no batch exceeds a token limit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from thera_sdk._exceptions import ValidationError
from thera_sdk.embed._text import estimate_tokens

__all__ = ["batch"]

T = TypeVar("T")


def _size(item: Any) -> int:
    if isinstance(item, str):
        return estimate_tokens(item)
    tokens = getattr(item, "tokens", None)
    if not isinstance(tokens, int):
        raise ValidationError(
            f"Cannot size {type(item).__name__}: pass size= or give items a `tokens` int."
        )
    return tokens


def batch(
    items: Iterable[T],
    max_tokens: int,
    *,
    size: Callable[[T], int] = _size,
    max_items: int | None = None,
) -> list[list[T]]:
    """Split ``items`` into consecutive batches of at most ``max_tokens`` tokens (and at most
    ``max_items`` items). Order is kept; an item larger than ``max_tokens`` gets a batch of its
    own rather than being dropped.

    Parameters
    ----------
    items
        Strings, objects with an int ``tokens`` attribute (e.g. ``Document``), or anything
        ``size`` can measure.
    max_tokens
        The most tokens one batch may hold.
    size
        Tokens of one item (default: ``estimate_tokens`` for strings, else ``item.tokens``).
    max_items
        The most items one batch may hold (``None``: no limit).

    Examples
    --------
    >>> batch(["a" * 7, "b" * 7, "c" * 14, "d"], 4)
    [['aaaaaaa', 'bbbbbbb'], ['cccccccccccccc'], ['d']]
    >>> batch([1, 2, 3], 10, size=lambda n: n, max_items=2)
    [[1, 2], [3]]
    """
    if max_tokens < 1:
        raise ValidationError(f"max_tokens must be at least 1, got {max_tokens}.")
    if max_items is not None and max_items < 1:
        raise ValidationError(f"max_items must be at least 1, got {max_items}.")
    batches: list[list[T]] = []
    current: list[T] = []
    used = 0
    for item in items:
        tokens = size(item)
        if tokens < 0:
            raise ValidationError(f"An item has a negative size ({tokens}).")
        full = max_items is not None and len(current) >= max_items
        if current and (used + tokens > max_tokens or full):
            batches.append(current)
            current, used = [], 0
        current.append(item)
        used += tokens
    if current:
        batches.append(current)
    return batches
