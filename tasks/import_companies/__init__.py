"""Import a user's own list of companies (CSV or JSONL, the documented import format)."""

from tasks.import_companies.handler import DATASET, ERRORS_DATASET, handler, import_file

__all__ = ["DATASET", "ERRORS_DATASET", "handler", "import_file"]
