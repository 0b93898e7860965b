"""Content words of every company, tokenised once per index version and kept as integer ids.

The keyword-overlap feature asks, for a few hundred companies per query, how many of the
challenge's content words each one uses. Tokenising that many descriptions per query would cost
more than the exact search itself, so each company's stems are computed when the index is
loaded and stored compactly: one int32 id per distinct stem, rows laid end to end (CSR layout),
about 4 bytes per distinct word of each profile.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from thera_sdk.match._text import content_stems

__all__ = ["TermIndex"]


class TermIndex:
    """Distinct content stems per row, queried in bulk.

    Examples
    --------
    >>> terms = TermIndex.build(["card fraud scoring", "clinic scheduling", ""])
    >>> terms.shared_counts(np.array([0, 1, 2]), frozenset({"fraud", "scor", "bank"})).tolist()
    [2, 0, 0]
    """

    def __init__(self, vocabulary: dict[str, int], indptr: np.ndarray, ids: np.ndarray) -> None:
        self.vocabulary = vocabulary
        self.indptr = indptr
        self.ids = ids

    @classmethod
    def build(cls, texts: Iterable[str]) -> TermIndex:
        """Tokenise each text (see :func:`content_stems`) and store its stems as ids."""
        vocabulary: dict[str, int] = {}
        ids = array("i")
        lengths = array("q", [0])
        for text in texts:
            stems = content_stems(text) if text else ()
            ids.extend([vocabulary.setdefault(stem, len(vocabulary)) for stem in stems])
            lengths.append(len(stems))
        indptr = np.cumsum(np.frombuffer(lengths, dtype=np.int64))
        return cls(vocabulary, indptr, np.frombuffer(ids, dtype=np.int32))

    def __len__(self) -> int:
        return int(self.indptr.size - 1)

    def shared_counts(self, rows: np.ndarray, stems: frozenset[str]) -> np.ndarray:
        """For each of ``rows``, how many of ``stems`` it contains (each stem counted once)."""
        rows = np.asarray(rows, dtype=np.int64)
        wanted = np.array(
            [self.vocabulary[s] for s in stems if s in self.vocabulary], dtype=np.int32
        )
        if rows.size == 0 or wanted.size == 0:
            return np.zeros(rows.size, dtype=np.int64)
        starts, lengths = self.indptr[rows], self.indptr[rows + 1] - self.indptr[rows]
        ends = np.cumsum(lengths)
        # positions of every id of every row, in one gather
        positions = np.arange(int(ends[-1])) + np.repeat(starts - (ends - lengths), lengths)
        hit = np.isin(self.ids[positions], wanted)
        owner = np.repeat(np.arange(rows.size), lengths)
        return np.bincount(owner[hit], minlength=rows.size)

    def stems(self, row: int) -> frozenset[str]:
        """The stems of one row (for inspection and tests)."""
        names = {i: s for s, i in self.vocabulary.items()}
        chunk = self.ids[self.indptr[row] : self.indptr[row + 1]]
        return frozenset(names[int(i)] for i in chunk)
