"""Which items the next stage works on: pure functions over the day's rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# stage -> the datasets its Map children write, cleared before the fan-out so a re-run of the
# day never keeps part files of an earlier, different batching.
STAGES: dict[str, tuple[str, ...]] = {
    "health": ("silver/domain_health",),
    "scrape": ("silver/scrape", "silver/scrape_failures"),
}


def source_domains(companies: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """One manifest item per distinct domain of the day's companies, in first-seen order.

    Examples
    --------
    >>> source_domains([{"id": "1", "domain": "a.io"}, {"id": "2", "domain": "a.io"},
    ...                 {"id": "3", "domain": None}])
    [{'domain': 'a.io', 'company_id': '1'}]
    """
    seen: dict[str, dict[str, str]] = {}
    for row in companies:
        domain = row.get("domain")
        if domain and domain not in seen:
            seen[domain] = {"domain": domain, "company_id": str(row.get("id"))}
    return list(seen.values())


def healthy_domains(rows: Iterable[Mapping[str, Any]], threshold: int) -> list[dict[str, Any]]:
    """The domains whose best health score reaches ``threshold``, in first-seen order.

    Examples
    --------
    >>> healthy_domains([{"domain": "a.io", "score": 80}, {"domain": "b.io", "score": 10},
    ...                  {"domain": "a.io", "score": 40}], 60)
    [{'domain': 'a.io', 'score': 80}]
    """
    best: dict[str, int] = {}
    for row in rows:
        domain, score = row.get("domain"), row.get("score")
        if domain and score is not None:
            best[domain] = max(score, best.get(domain, score))
    return [{"domain": d, "score": s} for d, s in best.items() if s >= threshold]
