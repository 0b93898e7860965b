"""Value types of the scrapers: a scraped page, a failed target, and an input target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thera_sdk.scrape._richness import Richness, richness

__all__ = ["ScrapeFailure", "ScrapeResult", "page_result"]


@dataclass(frozen=True)
class ScrapeResult:
    """One scraped page.

    ``url`` is what was asked for, ``final_url`` where redirects ended; ``raw`` is the service's
    answer for this page (kept in the raw zone), ``credits_used`` what it cost (0 when direct).
    """

    domain: str
    url: str
    final_url: str
    status_code: int
    markdown: str
    title: str
    description: str
    links: tuple[str, ...]
    richness: Richness
    backend: str
    credits_used: int = 0
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def as_row(self) -> dict[str, Any]:
        """A flat row for the silver table (richness parts as ``richness_*`` columns)."""
        row: dict[str, Any] = {
            "domain": self.domain,
            "url": self.url,
            "final_url": self.final_url,
            "status_code": self.status_code,
            "title": self.title,
            "description": self.description,
            "markdown": self.markdown,
            "links": list(self.links),
            "backend": self.backend,
            "credits_used": self.credits_used,
        }
        for name, value in self.richness.as_dict().items():
            row["richness" if name == "score" else f"richness_{name}"] = value
        return row


@dataclass(frozen=True)
class ScrapeFailure:
    """A target that could not be scraped: ``reason`` is a short code (see
    :mod:`thera_sdk.scrape._exceptions`), ``message`` says what happened and what to do."""

    domain: str
    url: str
    reason: str
    message: str
    retryable: bool

    def as_dict(self) -> dict[str, Any]:
        """The failure as a plain dict."""
        return {
            "domain": self.domain,
            "url": self.url,
            "reason": self.reason,
            "message": self.message,
            "retryable": self.retryable,
        }


def page_result(
    *,
    domain: str,
    url: str,
    final_url: str,
    status_code: int,
    markdown: str,
    title: str,
    description: str,
    links: tuple[str, ...],
    backend: str,
    credits_used: int = 0,
    raw: dict[str, Any] | None = None,
) -> ScrapeResult:
    """Build a :class:`ScrapeResult`, scoring its richness from the markdown and links.

    Examples
    --------
    >>> r = page_result(domain="acme.io", url="https://acme.io/", final_url="https://acme.io/",
    ...                 status_code=200, markdown="# Acme", title="Acme", description="",
    ...                 links=(), backend="direct")
    >>> r.richness.headings
    1
    """
    return ScrapeResult(
        domain=domain,
        url=url,
        final_url=final_url,
        status_code=status_code,
        markdown=markdown,
        title=title,
        description=description,
        links=links,
        richness=richness(markdown, links, base_url=final_url or url),
        backend=backend,
        credits_used=credits_used,
        raw=raw or {},
    )
