"""Hashed text features for the local embedder: word stems, stem bigrams and character n-grams.

Every feature is a string (``w:optimiz``, ``b:fraud detect``, ``c:<fra``) hashed with CRC-32
into ``2**hash_bits`` buckets, so the feature space is fixed and nothing but the IDF table has to
be stored. CRC-32 is used because it is stable across processes and fast in the standard
library (Python's own ``hash`` is salted per process).
"""

from __future__ import annotations

import zlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from thera_sdk.embed._text import STOPWORDS, stem, words

__all__ = ["FAMILIES", "FeatureCounts", "count_features"]

FAMILIES = ("word", "bigram", "char")


@dataclass(frozen=True)
class FeatureCounts:
    """The hashed features of one text, per family: bucket ids and raw term counts."""

    ids: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]


def _bucket(key: str, mask: int) -> int:
    return zlib.crc32(key.encode("utf-8")) & mask


@lru_cache(maxsize=1 << 17)
def _word_features(
    word: str, hash_bits: int, char_min: int, char_max: int
) -> tuple[int, tuple[int, ...]]:
    # Cached per word: vocabularies are Zipfian, so most words are seen many times.
    mask = (1 << hash_bits) - 1
    root = stem(word)
    marked = f"<{word}>"
    grams = tuple(
        _bucket("c:" + marked[i : i + n], mask)
        for n in range(char_min, char_max + 1)
        for i in range(len(marked) - n + 1)
    )
    return _bucket("w:" + root, mask), grams


def _keep(word: str) -> bool:
    return len(word) > 1 and word not in STOPWORDS and not word.isdigit()


def count_features(
    text: str, *, hash_bits: int = 20, char_ngrams: tuple[int, int] = (3, 5)
) -> FeatureCounts:
    """Count the hashed word, bigram and character n-gram features of ``text``.

    Stopwords and pure numbers are dropped first; bigrams join consecutive kept stems, so
    "fraud detection" and "detecting fraud" share the stems but not the bigram.

    Examples
    --------
    >>> found = count_features("Fraud detection, detecting fraud")
    >>> sorted(int(c) for c in found.counts["word"])
    [2, 2]
    >>> len(found.ids["bigram"])
    2
    """
    mask = (1 << hash_bits) - 1
    low, high = char_ngrams
    unigrams: Counter[int] = Counter()
    bigrams: Counter[int] = Counter()
    chars: Counter[int] = Counter()
    previous: str | None = None
    for word in words(text):
        if not _keep(word) or stem(word) in STOPWORDS:
            previous = None if word.isdigit() else previous
            continue
        unigram, grams = _word_features(word, hash_bits, low, high)
        root = stem(word)
        unigrams[unigram] += 1
        chars.update(grams)
        if previous is not None and previous != root:
            bigrams[_bucket(f"b:{previous} {root}", mask)] += 1
        previous = root
    ids: dict[str, np.ndarray] = {}
    counts: dict[str, np.ndarray] = {}
    for family, counter in zip(FAMILIES, (unigrams, bigrams, chars), strict=True):
        ids[family] = np.fromiter(counter.keys(), dtype=np.int64, count=len(counter))
        counts[family] = np.fromiter(counter.values(), dtype=np.float64, count=len(counter))
    return FeatureCounts(ids, counts)
