"""The pure batcher."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thera_sdk import ValidationError
from thera_sdk.embed import batch, build_document


@given(
    st.lists(st.integers(min_value=0, max_value=50), max_size=60),
    st.integers(min_value=1, max_value=80),
    st.one_of(st.none(), st.integers(min_value=1, max_value=10)),
)
def test_batches_keep_order_and_respect_both_limits(
    sizes: list[int], limit: int, max_items: int | None
) -> None:
    batches = batch(sizes, limit, size=lambda n: n, max_items=max_items)
    assert [n for group in batches for n in group] == sizes  # nothing lost, order kept
    for group in batches:
        assert group  # no empty batch
        assert sum(group) <= limit or len(group) == 1  # only a lone oversized item may exceed
        assert max_items is None or len(group) <= max_items


def test_documents_are_sized_by_their_token_estimate() -> None:
    docs = [build_document({"id": str(i), "name": "Company " * 10}) for i in range(5)]
    groups = batch(docs, docs[0].tokens * 2)
    assert [len(g) for g in groups] == [2, 2, 1]


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValidationError, match="max_tokens"):
        batch(["a"], 0)
    with pytest.raises(ValidationError, match="max_items"):
        batch(["a"], 10, max_items=0)
    with pytest.raises(ValidationError, match="size="):
        batch([object()], 10)
