"""The Parquet datasets of the data lake, as Athena sees them: one Glue table each.

Each dataset is a folder of the data bucket, Hive-partitioned by ``date=YYYY-MM-DD`` (the layout
every writer uses, see :func:`thera_sdk.storage.write_partition`), with Athena partition
projection so no partition is ever registered. ``date`` is the partition column's name because
that is what the writers put in the paths; it is a reserved word, so the DDL backticks it and
queries double-quote it.

Columns come from the writers' pyarrow schemas; a writer that builds its schema inline is
mirrored here (and compared in a test); ``provisional`` marks columns declared before their
writer exists. Personal data (``private/``) gets no table. The Glue tables in CloudFormation,
the DDL in ``sql/ddl/`` and the SQL tests' fixtures are all rendered from this one list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import pyarrow as pa

__all__ = ["DATASETS", "Dataset", "dataset", "hive_columns"]


@dataclass(frozen=True)
class Dataset:
    """One table: its Glue name, its folder in the data bucket and its columns.

    ``schema`` is a function so that importing this module does not import every writer.
    """

    name: str
    prefix: str  # "silver/companies/" (ends with "/")
    description: str
    schema_source: Callable[[], pa.Schema]
    provisional: bool = False  # columns declared here, not yet read from a writer

    @property
    def schema(self) -> pa.Schema:
        """The columns, without the ``date`` partition column."""
        return _schema(self)

    @property
    def columns(self) -> list[tuple[str, str]]:
        """``(name, Athena type)`` pairs, in file order."""
        return hive_columns(self.schema)


@cache
def _schema(entry: Dataset) -> pa.Schema:
    schema = entry.schema_source()
    if "date" in schema.names:
        schema = schema.remove(schema.get_field_index("date"))
    return schema


def hive_columns(schema: pa.Schema) -> list[tuple[str, str]]:
    """The Athena (Hive DDL) type of each column of ``schema``.

    Examples
    --------
    >>> hive_columns(pa.schema([("id", pa.string()), ("tags", pa.list_(pa.string()))]))
    [('id', 'string'), ('tags', 'array<string>')]
    """
    from thera_sdk.storage._sql_athena import hive_type

    return [(field.name, hive_type(field.type)) for field in schema]


# -- schemas read from the writers ---------------------------------------------------------------
def _company_columns(*extra: tuple[str, pa.DataType]) -> pa.Schema:
    from thera_sdk.sources import COMPANY_SCHEMA

    return pa.schema([*COMPANY_SCHEMA, *(pa.field(name, kind) for name, kind in extra)])


def _bronze_apollo() -> pa.Schema:
    # The puller appends these columns to each page it writes (thera_sdk/sources/_delta.py).
    return _company_columns(
        ("content_hash", pa.string()),
        ("change", pa.string()),
        ("slice_id", pa.string()),
        ("pass", pa.int32()),
        ("page", pa.int32()),
        ("run_id", pa.string()),
    )


def _bronze_imported() -> pa.Schema:
    return _company_columns(("content_hash", pa.string()))  # tasks/import_companies


def _domain_health() -> pa.Schema:
    from tasks.domain_health._rows import ROW_SCHEMA

    return ROW_SCHEMA


def _scrape() -> pa.Schema:
    from tasks.firecrawl_scrape.logic import SILVER_SCHEMA

    return SILVER_SCHEMA


def _scrape_failures() -> pa.Schema:
    from tasks.firecrawl_scrape.logic import FAILURE_SCHEMA

    return FAILURE_SCHEMA


def _silver_companies() -> pa.Schema:
    from tasks.curate_companies.handler import PUBLIC_SCHEMA

    return PUBLIC_SCHEMA


def _shortlist_events() -> pa.Schema:
    from tasks.ams.logic import EVENTS_SCHEMA

    return EVENTS_SCHEMA


def _ams_overall() -> pa.Schema:
    from tasks.ams.logic import OVERALL_SCHEMA

    return OVERALL_SCHEMA


def _ams_challenges() -> pa.Schema:
    from tasks.ams.logic import CHALLENGE_SCHEMA

    return CHALLENGE_SCHEMA


# -- schemas built inline by their writers, declared here (a unit test compares them) ----------
def _embeddings() -> pa.Schema:
    # tasks/embeddings_batch/handler.py embeddings_table()
    return pa.schema(
        [
            ("id", pa.string()),
            ("model", pa.string()),
            ("dim", pa.int32()),
            ("vector", pa.list_(pa.float32())),
            ("content_hash", pa.string()),
            ("token_count", pa.int64()),
        ]
    )


def _embedding_cost() -> pa.Schema:
    # tasks/embeddings_batch/handler.py _record_cost()
    return pa.schema(
        [
            ("run_at", pa.string()),
            ("kind", pa.string()),
            ("model", pa.string()),
            ("documents", pa.int64()),
            ("deferred", pa.int64()),
            ("stopped_by", pa.string()),
            ("tokens", pa.int64()),
            ("cost_usd", pa.float64()),
            ("price_per_1k", pa.float64()),
            ("budget_usd", pa.float64()),
        ]
    )


DATASETS: tuple[Dataset, ...] = (
    Dataset("bronze_apollo_companies", "bronze/apollo_companies/",
            "New and changed companies from Apollo, one row per company and page.",
            _bronze_apollo),
    Dataset("bronze_imported_companies", "bronze/imported_companies/",
            "Companies imported from a CSV or JSONL file.", _bronze_imported),
    Dataset("silver_domain_health", "silver/domain_health/",
            "Domain health checks: score 0-100, flags and evidence.", _domain_health),
    Dataset("silver_scrape", "silver/scrape/",
            "Scraped pages: markdown, title, description and richness.", _scrape),
    Dataset("silver_scrape_failures", "silver/scrape_failures/",
            "Domains that could not be scraped, with the reason.", _scrape_failures),
    Dataset("silver_companies", "silver/companies/",
            "Curated companies (no personal data): the publisher's and the embedder's input.",
            _silver_companies),
    Dataset("embeddings", "embeddings/",
            "One embedding per new or changed company.", _embeddings),
    Dataset("embedding_cost", "metrics/embedding_cost/",
            "What each embeddings run cost, in tokens and dollars.", _embedding_cost),
    Dataset("shortlist_events", "events/shortlist/",
            "Matches shown to and shortlisted by users.", _shortlist_events),
    Dataset("ams_overall", "metrics/ams/overall/",
            "Daily Average Match Score over every challenge.", _ams_overall),
    Dataset("ams_challenges", "metrics/ams/challenges/",
            "Daily Average Match Score per challenge.", _ams_challenges),
)  # fmt: skip


def dataset(name: str) -> Dataset:
    """The dataset called ``name``.

    Examples
    --------
    >>> dataset("silver_companies").prefix
    'silver/companies/'
    """
    for entry in DATASETS:
        if entry.name == name:
            return entry
    known = ", ".join(d.name for d in DATASETS)
    raise KeyError(f"No dataset {name!r}; the known ones are {known}.")
