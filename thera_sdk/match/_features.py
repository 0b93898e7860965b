"""The features of a (challenge, company) pair, shared by the matcher and the model trainer.

Both sides call :func:`feature_matrix`, so a model is always trained on exactly what it later
scores. Every feature is a plain number with a fixed meaning:

==================  ==========================================================================
``cosine``          cosine similarity of the challenge and company embeddings
``industry_match``  1 if the company's industry equals the requested industry (ignoring case),
                    or, with no industry requested, if every content word of the company's
                    industry occurs in the challenge; else 0
``country_match``   the same for the country
``keyword_overlap`` share of the challenge's distinct content words (stemmed) found in the
                    company's keywords or description, 0 to 1
``richness``        content richness of the scraped site, 0 to 1 (missing: 0)
``health``          domain health score divided by 100, 0 to 1 (missing: 0)
``log_employees``   ``log(1 + employees)`` (missing: 0)
``age_years``       years from the founding year to ``as_of_year``, 0 to 200 (missing: 0)
==================  ==========================================================================

Missing values count as 0: a company we know nothing about gets no credit for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from thera_sdk.match._companies import CompanyTable
from thera_sdk.match._text import content_stems, normalise_label

__all__ = ["FEATURE_NAMES", "Challenge", "feature_matrix", "label_matches", "overlap"]

FEATURE_NAMES: tuple[str, ...] = (
    "cosine",
    "industry_match",
    "country_match",
    "keyword_overlap",
    "richness",
    "health",
    "log_employees",
    "age_years",
)


@dataclass(frozen=True)
class Challenge:
    """A challenge as the features see it: its text, the filters asked for, its content words.

    Examples
    --------
    >>> sorted(Challenge("Card fraud at checkout", industry="Fintech").stems)
    ['card', 'checkout', 'fraud']
    """

    text: str
    industry: str | None = None
    country: str | None = None
    stems: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stems", content_stems(self.text))


def label_matches(requested: str | None, challenge_stems: frozenset[str], label: str) -> bool:
    """Whether a company's industry (or country) ``label`` fits the challenge.

    With a requested value, the label must equal it, ignoring case and spacing. Without one,
    every content word of the label must occur in the challenge.

    Examples
    --------
    >>> label_matches("fintech", frozenset(), "FinTech")
    True
    >>> label_matches(None, frozenset({"fintech", "fraud"}), "Fintech")
    True
    """
    if not label:
        return False
    if requested is not None:
        return normalise_label(requested) == normalise_label(label)
    label_stems = content_stems(label)
    return bool(label_stems) and label_stems <= challenge_stems


def overlap(challenge_stems: frozenset[str], company_terms: frozenset[str]) -> float:
    """Share of the challenge's content words found in the company's terms.

    Examples
    --------
    >>> overlap(frozenset({"card", "fraud", "bank", "checkout"}), frozenset({"fraud", "card"}))
    0.5
    """
    if not challenge_stems:
        return 0.0
    return len(challenge_stems & company_terms) / len(challenge_stems)


def _zero_missing(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), 0.0, values)


def feature_matrix(
    challenge: Challenge,
    companies: CompanyTable,
    rows: np.ndarray,
    cosines: np.ndarray,
    *,
    as_of_year: int,
) -> np.ndarray:
    """The ``len(rows) x len(FEATURE_NAMES)`` feature matrix of a challenge and some companies.

    ``cosines[j]`` is the similarity of the challenge with company ``rows[j]``; ``as_of_year``
    dates the pair (the current year when serving, the year of the feedback when training).

    Examples
    --------
    >>> import pyarrow as pa
    >>> table = CompanyTable(pa.table({
    ...     "startup_id": ["s1"], "name": ["Acme"], "industry": ["Fintech"],
    ...     "description": ["Card fraud scoring."], "employees": [9], "founded_year": [2020]}))
    >>> feature_matrix(Challenge("card fraud", industry="fintech"), table, np.array([0]),
    ...                np.array([0.5]), as_of_year=2025).round(3).tolist()
    [[0.5, 1.0, 0.0, 1.0, 0.0, 0.0, 2.303, 5.0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    matrix = np.zeros((rows.size, len(FEATURE_NAMES)), dtype=np.float64)
    if rows.size == 0:
        return matrix
    matrix[:, 0] = np.asarray(cosines, dtype=np.float64)
    if challenge.stems:
        shared = companies.terms.shared_counts(rows, challenge.stems)
        matrix[:, 3] = shared / len(challenge.stems)
    for column, requested, labels in (
        (1, challenge.industry, companies.industries),
        (2, challenge.country, companies.countries),
    ):
        codes = labels.codes[rows]
        fits = np.zeros(len(labels.names) + 1)  # the last slot, index -1, is "no label"
        for code in np.unique(codes[codes >= 0]):  # a few distinct labels: decide each once
            fits[code] = label_matches(requested, challenge.stems, labels.names[code])
        matrix[:, column] = fits[codes]
    matrix[:, 4] = np.clip(_zero_missing(companies.richness[rows]), 0.0, 1.0)
    matrix[:, 5] = np.clip(_zero_missing(companies.health_score[rows]) / 100.0, 0.0, 1.0)
    matrix[:, 6] = np.log1p(np.clip(_zero_missing(companies.employees[rows]), 0.0, None))
    founded = companies.founded_year[rows]
    age = np.where(np.isnan(founded), 0.0, float(as_of_year) - founded)
    matrix[:, 7] = np.clip(age, 0.0, 200.0)
    return matrix
