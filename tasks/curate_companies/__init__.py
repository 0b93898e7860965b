"""Join a day's companies with their domain health and scraped pages: ``silver/companies``."""

from tasks.curate_companies.handler import DATASET, PRIVATE_DATASET, handler
from tasks.curate_companies.logic import curate, site_summary

__all__ = ["DATASET", "PRIVATE_DATASET", "curate", "handler", "site_summary"]
