"""The snapshot of every company seen: Apollo id -> content hash, in the tables port.

:meth:`Snapshot.classify` decides, atomically, whether a company is new, changed or unchanged
against the previous snapshot, and moves the snapshot forward in the same conditional write.
Processing a page twice (a crash between writing its files and moving the cursor) classifies
its companies the same way the second time: each change remembers the page (``token``) that
made it.
"""

from __future__ import annotations

from typing import Literal

from thera_sdk._exceptions import ConditionFailedError
from thera_sdk.sources._models import Company
from thera_sdk.storage import TableSpec, TableStore

__all__ = ["SNAPSHOT_TABLE_SPEC", "Change", "Snapshot"]

SNAPSHOT_TABLE_SPEC = TableSpec("apollo_companies", "company_id")

Change = Literal["new", "changed"]


class Snapshot:
    """The content hash of every company, keyed by the source's id.

    Examples
    --------
    >>> snapshot = Snapshot(tables, "thera-dev-apollo_companies")  # doctest: +SKIP
    >>> snapshot.classify(company, "ab12...", token="1:slice:1", day="2025-01-31")  # doctest: +SKIP
    'new'
    """

    def __init__(self, tables: TableStore, table: str) -> None:
        self._tables = tables
        self._table = table

    def classify(self, company: Company, digest: str, *, token: str, day: str) -> Change | None:
        """``"new"`` or ``"changed"`` (and record the new hash), or ``None`` when unchanged."""
        key = {"company_id": company.id}
        before = self._tables.get_item(self._table, key)
        kind: Change
        if before is not None and before.get("change_token") == token:
            # The same page again (a re-run after a crash): the same answer as the first time.
            kind = "new" if before.get("change_kind") == "new" else "changed"
            if before.get("content_hash") == digest:
                return kind
        elif before is not None and before.get("content_hash") == digest:
            return None
        else:
            kind = "new" if before is None else "changed"
        try:
            self._tables.update_item(
                self._table,
                key,
                "SET content_hash = :h, change_token = :t, change_kind = :k, last_changed = :d, "
                "#n = :n, #dom = :dom, first_seen = if_not_exists(first_seen, :d)",
                condition="attribute_not_exists(company_id) OR content_hash <> :h "
                "OR change_token = :t",
                names={"#n": "name", "#dom": "domain"},
                values={":h": digest, ":t": token, ":k": kind, ":d": day,
                        ":n": company.name, ":dom": company.domain or ""},
            )
        except ConditionFailedError:
            return None  # another worker recorded this very content a moment ago
        return kind
