"""Pure joining of companies, health rows and scraped pages into one record per company."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

MAX_MARKDOWN_CHARS = 20_000  # enough for the embedder's token budget; keeps rows small


def site_summary(pages: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per domain: the first page's title and description, all markdown, the best richness.

    Richness arrives as 0-100 and leaves as 0-1, the scale the matcher uses.

    Examples
    --------
    >>> site_summary([{"domain": "a.io", "title": "A", "description": None,
    ...                "markdown": "# A", "richness": 80}])["a.io"]["richness"]
    0.8
    """
    grouped: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
    for page in pages:
        if page.get("domain"):
            grouped[page["domain"]].append(page)
    out = {}
    for domain, rows in grouped.items():
        markdown = "\n\n".join(r["markdown"] for r in rows if r.get("markdown"))
        scores = [r["richness"] for r in rows if r.get("richness") is not None]
        out[domain] = {
            "site_title": next((r["title"] for r in rows if r.get("title")), None),
            "site_description": next(
                (r["description"] for r in rows if r.get("description")), None
            ),
            "markdown": markdown[:MAX_MARKDOWN_CHARS] or None,
            "richness": max(scores) / 100 if scores else None,
        }
    return out


def curate(
    companies: Iterable[Mapping[str, Any]],
    health: Iterable[Mapping[str, Any]],
    pages: Iterable[Mapping[str, Any]],
    contacts: Iterable[Mapping[str, Any]],
    updated_at: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The day's public-side rows and private rows (the same plus contacts), one per company.

    A company seen in several sources keeps its last row. Companies without health or pages
    (the web stages were off, or the site failed) keep nulls there.

    Examples
    --------
    >>> public, private = curate([{"id": "1", "name": "Acme", "domain": "a.io"}],
    ...     [{"domain": "a.io", "score": 90}], [], [{"company_id": "1", "emails": ["x@a.io"]}],
    ...     "2026-01-01T00:00:00+00:00")
    >>> public[0]["health_score"], "emails" in public[0], private[0]["emails"]
    (90, False, ['x@a.io'])
    """
    best_health: dict[str, int] = {}
    for row in health:
        domain, score = row.get("domain"), row.get("score")
        if domain and score is not None:
            best_health[domain] = max(score, best_health.get(domain, score))
    sites = site_summary(pages)
    people = {str(c["company_id"]): c for c in contacts if c.get("company_id") is not None}
    by_id: dict[str, dict[str, Any]] = {}
    for company in companies:
        row = {k: v for k, v in company.items() if k != "extra"}
        row["extra"] = dict(company.get("extra") or [])
        domain = row.get("domain")
        row["health_score"] = best_health.get(domain) if domain else None
        site = sites.get(domain or "", {})
        for key in ("site_title", "site_description", "markdown", "richness"):
            row[key] = site.get(key)
        row["updated_at"] = updated_at
        by_id[str(row["id"])] = row
    public = list(by_id.values())
    private = []
    for row in public:
        contact = people.get(str(row["id"]), {})
        private.append(
            {
                **row,
                "emails": list(contact.get("emails") or []),
                "phones": list(contact.get("phones") or []),
                "people": list(contact.get("people") or []),
            }
        )
    return public, private
