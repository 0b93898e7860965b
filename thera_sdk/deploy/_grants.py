"""What each task function may touch: the least-privilege table its IAM role is built from.

Object access is given per bucket and key pattern (``"data", "silver/scrape/*"``), never to a
whole bucket; tables by logical name; parameters as paths under ``/thera/<env>/``; secrets by name
under ``thera/<env>/``. Personal data lives under the data bucket's ``private/`` prefix, and only
the functions that handle it are granted that prefix. A new function in ``workflows/functions.py``
needs an entry here (a unit test says so): its access is a decision, not a default.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ACCESS", "Access", "ObjectGrant"]


@dataclass(frozen=True)
class ObjectGrant:
    """Keys matching ``pattern`` in logical bucket ``bucket`` (``*`` is a wildcard)."""

    bucket: str
    pattern: str


def _data(*patterns: str) -> tuple[ObjectGrant, ...]:
    return tuple(ObjectGrant("data", pattern) for pattern in patterns)


def _gold(*patterns: str) -> tuple[ObjectGrant, ...]:
    return tuple(ObjectGrant("gold", pattern) for pattern in patterns)


@dataclass(frozen=True)
class Access:
    """One function's grants (everything not listed is denied)."""

    reads: tuple[ObjectGrant, ...] = ()
    writes: tuple[ObjectGrant, ...] = ()  # read, write and delete: partitions are replaced
    tables: tuple[str, ...] = ()  # read and write items
    parameters: tuple[str, ...] = ()  # "watermarks/publisher", "apollo/*"
    secrets: tuple[str, ...] = ()
    bedrock: bool = False  # invoke the embedding model
    athena: bool = False  # run queries in the stack's workgroup over the Glue tables


_COMPANIES = ("bronze/apollo_companies/*", "bronze/imported_companies/*")
_MANIFESTS = "runs/*"
ACCESS: dict[str, Access] = {
    "PrepareRun": Access(),
    "ApolloDeltaPull": Access(
        writes=_data(
            "raw/apollo/*", "bronze/apollo_companies/*", "private/bronze/apollo_contacts/*"
        ),
        tables=("apollo_state", "apollo_companies"),
        parameters=("apollo/*",),  # the universe and the cursors
        secrets=("apollo",),
    ),
    "ImportCompanies": Access(
        reads=_data("imports/*"),  # upload import files under imports/
        writes=_data("bronze/imported_companies/*", "bronze/import_errors/*"),
    ),
    "PlanStage": Access(
        reads=_data(*_COMPANIES),
        # the manifests, and the partitions a stage's children write (cleared before a fan-out)
        writes=_data(
            _MANIFESTS, "silver/domain_health/*", "silver/scrape/*", "silver/scrape_failures/*"
        ),
    ),
    "DomainHealth": Access(
        reads=_data(_MANIFESTS),
        writes=_data("silver/domain_health/*"),
    ),
    "FirecrawlScrape": Access(
        reads=_data(_MANIFESTS),
        writes=_data(
            "raw/firecrawl/*", "raw/direct/*", "silver/scrape/*", "silver/scrape_failures/*"
        ),
        tables=("scrape_failures",),
        secrets=("firecrawl",),
    ),
    "CurateCompanies": Access(
        reads=_data(
            *_COMPANIES,
            "private/bronze/apollo_contacts/*",
            "silver/domain_health/*",
            "silver/scrape/*",
        ),
        writes=_data("silver/companies/*", "private/silver/companies/*"),
    ),
    "EmbeddingsBatch": Access(
        reads=_data("silver/companies/*"),
        writes=(*_data("embeddings/*", "metrics/embedding_cost/*"), *_gold("matcher_index/*")),
        parameters=("watermarks/embeddings*", "embeddings/spend*"),
        bedrock=True,
    ),
    "Publisher": Access(
        reads=_data("private/silver/companies/*"),  # the curated rows with their contacts
        tables=("startups-public", "startups-private"),
        parameters=("watermarks/publisher*",),
    ),
    "Ams": Access(
        reads=_data("events/shortlist/*"),
        writes=_data("metrics/ams/*"),
        athena=True,
    ),
    "MlTrainer": Access(
        reads=(*_data("events/shortlist/*", "events/challenges/*"), *_gold("matcher_index/*")),
        writes=_gold("models/match_lr/*"),
    ),
    "Matcher": Access(
        reads=_gold("matcher_index/*", "models/match_lr/*"),
        bedrock=True,
    ),
}
