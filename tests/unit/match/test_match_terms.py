"""The per-company term index agrees with tokenising each text on the fly."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from thera_sdk.match import content_stems, overlap
from thera_sdk.match._terms import TermIndex

_WORDS = st.sampled_from(
    ["fraud", "Frauds", "scoring", "score", "card-not-present", "the", "bank's", "2024",
     "payments,", "Pay", "clinic", "naïve", "Straße", "ÉCOLE", "a_b", "—", "x"]
)  # fmt: skip
_TEXTS = st.lists(st.lists(_WORDS, max_size=12).map(" ".join), min_size=1, max_size=8)


@settings(max_examples=100, deadline=None)
@given(texts=_TEXTS, challenge=st.lists(_WORDS, max_size=8).map(" ".join), data=st.data())
def test_shared_counts_equal_set_intersections(
    texts: list[str], challenge: str, data: st.DataObject
) -> None:
    # GIVEN an index of texts and any selection of its rows (repeats allowed)
    terms = TermIndex.build(texts)
    rows = np.array(
        data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=12)), dtype=np.int64
    )
    stems = content_stems(challenge)
    # WHEN counting shared stems in bulk THEN it equals the per-text set intersection
    expected = [len(stems & content_stems(texts[row])) for row in rows]
    assert terms.shared_counts(rows, stems).tolist() == expected
    for row in rows:
        assert terms.stems(int(row)) == content_stems(texts[row])
        assert overlap(stems, terms.stems(int(row))) == (
            expected[list(rows).index(row)] / len(stems) if stems else 0.0
        )


def test_empty_inputs() -> None:
    terms = TermIndex.build([])
    assert len(terms) == 0
    assert terms.shared_counts(np.array([], dtype=np.int64), frozenset({"a"})).tolist() == []
    one = TermIndex.build(["fraud"])
    assert one.shared_counts(np.array([0]), frozenset()).tolist() == [0]
