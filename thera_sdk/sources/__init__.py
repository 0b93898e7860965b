"""Company sources: Apollo organization search (as a resumable delta pull) and import files.

Both produce :class:`Company` records in the import format; Apollo's contact data goes apart,
into :class:`Contacts`, for the private zone only.
"""

from thera_sdk.sources._apollo import (
    APOLLO_MAX_PAGES,
    APOLLO_MAX_PER_PAGE,
    APOLLO_RETRY_POLICY,
    DEFAULT_APOLLO_URL,
    ApolloClient,
    SearchPage,
)
from thera_sdk.sources._apollo_records import VOLATILE_FIELDS, company_from_apollo
from thera_sdk.sources._delta import DeltaPuller, PullLayout, PullReport
from thera_sdk.sources._exceptions import (
    ApolloAuthError,
    ApolloError,
    ApolloMalformedError,
    ApolloRejectedError,
    ApolloRequestError,
    ApolloServerError,
    ApolloThrottledError,
    ApolloTimeoutError,
    ImportFormatError,
    QuotaExhaustedError,
    SourceError,
)
from thera_sdk.sources._import import (
    IMPORT_FIELDS,
    ImportResult,
    RowError,
    company_from_row,
    read_companies,
)
from thera_sdk.sources._models import (
    COMPANY_SCHEMA,
    CONTACTS_SCHEMA,
    Company,
    Contacts,
    companies_table,
    contacts_table,
    content_hash,
    normalize_domain,
)
from thera_sdk.sources._quota import DEFAULT_QUOTA, QUOTA_TABLE_SPEC, Quota, QuotaLimiter
from thera_sdk.sources._slices import DEFAULT_EMPLOYEE_RANGES, Slice, Universe, split_slice
from thera_sdk.sources._snapshot import SNAPSHOT_TABLE_SPEC, Snapshot
from thera_sdk.sources._state import Cursor, CursorStore, ErrorLog, Leases

__all__ = [
    "APOLLO_MAX_PAGES",
    "APOLLO_MAX_PER_PAGE",
    "APOLLO_RETRY_POLICY",
    "COMPANY_SCHEMA",
    "CONTACTS_SCHEMA",
    "DEFAULT_APOLLO_URL",
    "DEFAULT_EMPLOYEE_RANGES",
    "DEFAULT_QUOTA",
    "IMPORT_FIELDS",
    "QUOTA_TABLE_SPEC",
    "SNAPSHOT_TABLE_SPEC",
    "VOLATILE_FIELDS",
    "ApolloAuthError",
    "ApolloClient",
    "ApolloError",
    "ApolloMalformedError",
    "ApolloRejectedError",
    "ApolloRequestError",
    "ApolloServerError",
    "ApolloThrottledError",
    "ApolloTimeoutError",
    "Company",
    "Contacts",
    "Cursor",
    "CursorStore",
    "DeltaPuller",
    "ErrorLog",
    "ImportFormatError",
    "ImportResult",
    "Leases",
    "PullLayout",
    "PullReport",
    "Quota",
    "QuotaExhaustedError",
    "QuotaLimiter",
    "RowError",
    "SearchPage",
    "Slice",
    "Snapshot",
    "SourceError",
    "Universe",
    "companies_table",
    "company_from_apollo",
    "company_from_row",
    "contacts_table",
    "content_hash",
    "normalize_domain",
    "read_companies",
    "split_slice",
]
