"""BM25 over company texts and its fusion with the exact cosine."""

from __future__ import annotations

import numpy as np

from thera_sdk.match._lexical import Bm25, fuse


def test_bm25_prefers_the_document_with_more_and_rarer_query_words():
    docs = [
        "card fraud scoring for online payments",
        "payments platform for merchants",
        "crop disease detection from drone images",
    ]
    scores = Bm25(docs).scores("real-time card fraud in payments")
    assert scores.argmax() == 0
    assert scores[2] == 0.0
    assert scores[0] > scores[1] > 0


def test_bm25_counts_a_repeated_query_word_once():
    bm25 = Bm25(["fraud fraud detection", "fraud prevention"])
    assert np.allclose(bm25.scores("fraud"), bm25.scores("fraud fraud fraud"))


def test_fuse_scales_each_signal_to_its_best_in_the_pool():
    fused = fuse(np.array([0.2, 0.4, 0.0]), np.array([10.0, 0.0, 5.0]))
    assert np.allclose(fused, [0.75, 0.5, 0.25])


def test_fuse_without_any_signal_is_zero_not_nan():
    assert np.array_equal(fuse(np.zeros(2), np.zeros(2)), np.zeros(2))
