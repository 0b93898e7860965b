"""The publisher task: normalised companies to ``startups-private`` (full) and
``startups-public`` (no personal data), incrementally by watermark, with a TTL.

``handler`` is the Lambda entry point (input contract in its module docstring); the pure logic
(change selection, record shapes, masking) is in ``logic``.
"""

from tasks.publisher.handler import (
    DEFAULT_DATASET,
    DEFAULT_TTL_DAYS,
    PRIVATE_TABLE,
    PUBLIC_TABLE,
    WATERMARK,
    handler,
    table_specs,
)
from tasks.publisher.logic import (
    BULKY_FIELDS,
    MAX_DESCRIPTION,
    PUBLIC_FIELDS,
    Candidate,
    Cursor,
    expiry,
    next_cursor,
    private_record,
    public_record,
    record_hash,
    select_changed,
)

__all__ = [
    "BULKY_FIELDS",
    "DEFAULT_DATASET",
    "DEFAULT_TTL_DAYS",
    "MAX_DESCRIPTION",
    "PRIVATE_TABLE",
    "PUBLIC_FIELDS",
    "PUBLIC_TABLE",
    "WATERMARK",
    "Candidate",
    "Cursor",
    "expiry",
    "handler",
    "next_cursor",
    "private_record",
    "public_record",
    "record_hash",
    "select_changed",
    "table_specs",
]
