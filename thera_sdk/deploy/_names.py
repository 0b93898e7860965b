"""What the stack names: buckets, tables, secrets, parameters, and the Lambda runtime.

The task code finds every resource through :class:`thera_sdk.Settings`, so the names here follow
its conventions: a table is ``<stack>-<logical>``, a parameter lives under ``/thera/<env>/``, a
secret is ``thera/<env>/<name>``. Bucket names must be unique across all of AWS, so they carry
the account id and the functions learn them from ``THERA_BUCKET_<NAME>`` variables.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BEDROCK_EMBEDDING_MODEL",
    "BUCKETS",
    "LAMBDA_ARCHITECTURE",
    "LAMBDA_RUNTIME",
    "LOG_RETENTION_DAYS",
    "MANIFEST_PREFIX",
    "METRICS_NAMESPACE",
    "SECRETS",
    "TABLES",
    "BucketDef",
    "TableDef",
    "bucket_logical_id",
    "table_logical_id",
]

LAMBDA_RUNTIME = "python3.12"
LAMBDA_ARCHITECTURE = "x86_64"
LOG_RETENTION_DAYS = 365  # a year of logs: audits ask for it, and it costs little at this volume
METRICS_NAMESPACE = "Thera"
BEDROCK_EMBEDDING_MODEL = "amazon.titan-embed-text-v2:0"


@dataclass(frozen=True)
class BucketDef:
    """One logical bucket of :class:`thera_sdk.Settings` (``THERA_BUCKET_<NAME>``)."""

    logical: str  # "data" -> logical id DataBucket, variable THERA_BUCKET_DATA
    purpose: str


@dataclass(frozen=True)
class TableDef:
    """One DynamoDB table: its logical name (``<stack>-<logical>``), key and TTL attribute.

    The keys must match the ``TableSpec`` the code uses; a unit test checks that they do.
    """

    logical: str
    partition_key: str
    ttl_attribute: str | None = "expires_at"
    point_in_time_recovery: bool = True
    retain: bool = False  # kept when the stack is deleted (the records cannot be rebuilt cheaply)

    @property
    def env_var(self) -> str:
        """The variable :class:`thera_sdk.Settings` reads (``-`` is written ``__``)."""
        return "THERA_TABLE_" + self.logical.upper().replace("-", "__")


BUCKETS: tuple[BucketDef, ...] = (
    BucketDef("data", "The data lake: raw JSONL, bronze/silver Parquet, private/, metrics, runs/."),
    BucketDef("gold", "What the matcher serves from: the matcher index and the match models."),
)

# Where the plan stage writes each stage's item manifest (runs/date=D/<stage>.jsonl, see
# tasks/plan_stage); the Distributed Maps read their items there.
MANIFEST_PREFIX = "runs/"

TABLES: tuple[TableDef, ...] = (
    TableDef("apollo_state", "pk"),  # Apollo quota windows, leases and cursors
    TableDef("apollo_companies", "company_id"),  # the snapshot of content hashes
    TableDef("startups-public", "startup_id"),
    TableDef("startups-private", "startup_id", retain=True),
    TableDef("scrape_failures", "domain"),  # failed domains, retried by later runs
)

# Secrets Manager names are "thera/<env>/<name>"; the stack does not create them (their values
# are not in any template) and roles may only read the ones listed per function.
SECRETS: tuple[str, ...] = ("apollo", "firecrawl")


def bucket_logical_id(logical: str) -> str:
    """``data`` -> ``DataBucket``."""
    return logical.capitalize() + "Bucket"


def table_logical_id(logical: str) -> str:
    """``startups-public`` -> ``StartupsPublicTable``."""
    words = logical.replace("_", "-").split("-")
    return "".join(word.capitalize() for word in words) + "Table"
