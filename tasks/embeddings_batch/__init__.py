"""The embeddings task: company documents embedded incrementally (content hash and watermark),
under a daily cost budget, into ``embeddings/date=.../`` and a new matcher index.

``handler`` is the Lambda entry point (contract in its module docstring); the pure logic
(documents to embed, budgeted batches, index merge, watermark) is in ``logic``.
"""

from tasks.embeddings_batch.handler import (
    COST_DATASET,
    DEFAULT_DATASET,
    EMBEDDINGS_DATASET,
    SPEND_PREFIX,
    WATERMARK,
    embeddings_table,
    handler,
)
from tasks.embeddings_batch.logic import (
    EmbedOutcome,
    Plan,
    Previous,
    compatible,
    embed_documents,
    index_row,
    latest_companies,
    merge_index,
    needs_refit,
    plan_documents,
    watermark_after,
)

__all__ = [
    "COST_DATASET",
    "DEFAULT_DATASET",
    "EMBEDDINGS_DATASET",
    "SPEND_PREFIX",
    "WATERMARK",
    "EmbedOutcome",
    "Plan",
    "Previous",
    "compatible",
    "embed_documents",
    "embeddings_table",
    "handler",
    "index_row",
    "latest_companies",
    "merge_index",
    "needs_refit",
    "plan_documents",
    "watermark_after",
]
