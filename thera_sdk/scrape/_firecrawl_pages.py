"""Reading Firecrawl's page documents (``data`` of a scrape, items of a batch's ``data``)."""

from __future__ import annotations

from typing import Any

from thera_sdk.scrape._exceptions import MalformedResponseError, PageStatusError, ScrapeError
from thera_sdk.scrape._models import ScrapeFailure, ScrapeResult, page_result
from thera_sdk.scrape._targets import Target

__all__ = ["failure_from", "page_from_data", "source_url"]


def _text(value: Any) -> str:
    # metadata.title/description may be a string or a list of strings.
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return " ".join(value.split()) if isinstance(value, str) else ""


def source_url(data: dict[str, Any]) -> str:
    """The URL a page document was requested for (``metadata.sourceURL``)."""
    metadata = data.get("metadata")
    if isinstance(metadata, dict) and isinstance(metadata.get("sourceURL"), str):
        return str(metadata["sourceURL"])
    return ""


def page_from_data(data: dict[str, Any], target: Target, *, raw: dict[str, Any]) -> ScrapeResult:
    """A :class:`ScrapeResult` from one page document; raises :class:`PageStatusError` when the
    site answered an error status and :class:`MalformedResponseError` for a wrong shape.

    Examples
    --------
    >>> from thera_sdk.scrape._targets import parse_target
    >>> doc = {"markdown": "# Acme", "metadata": {"title": ["Acme"], "statusCode": 200,
    ...        "sourceURL": "https://acme.io/", "url": "https://acme.io/", "creditsUsed": 1}}
    >>> page_from_data(doc, parse_target("acme.io"), raw=doc).title
    'Acme'
    """
    metadata = data.get("metadata")
    markdown = data.get("markdown")
    if not isinstance(metadata, dict) or not isinstance(markdown, (str, type(None))):
        raise MalformedResponseError(
            f"Firecrawl's page for {target.url} has no metadata object or a markdown that is "
            "not text; retried next run."
        )
    status = metadata.get("statusCode")
    status_code = status if isinstance(status, int) and not isinstance(status, bool) else 200
    if status_code >= 400:
        raise PageStatusError(
            f"{target.url} answered HTTP {status_code} to Firecrawl"
            f"{': ' + str(metadata['error'])[:200] if metadata.get('error') else ''}.",
            status_code=status_code,
        )
    links = data.get("links") or []
    clean_links = tuple(dict.fromkeys(u for u in links if isinstance(u, str)))
    credits = metadata.get("creditsUsed")
    final_url = metadata.get("url") if isinstance(metadata.get("url"), str) else target.url
    return page_result(
        domain=target.domain,
        url=target.url,
        final_url=str(final_url),
        status_code=status_code,
        markdown=markdown or "",
        title=_text(metadata.get("title")) or _text(metadata.get("ogTitle")),
        description=_text(metadata.get("description")),
        links=clean_links,
        backend="firecrawl",
        credits_used=credits if isinstance(credits, int) and not isinstance(credits, bool) else 1,
        raw=raw,
    )


def failure_from(target: Target, exc: ScrapeError) -> ScrapeFailure:
    """A :class:`ScrapeFailure` for ``target`` from the error that stopped it.

    Examples
    --------
    >>> from thera_sdk.scrape._exceptions import RobotsDisallowedError
    >>> from thera_sdk.scrape._targets import parse_target
    >>> failure_from(parse_target("acme.io"), RobotsDisallowedError("no")).reason
    'robots_disallowed'
    """
    return ScrapeFailure(target.domain, target.url, exc.reason, str(exc), exc.retryable)
