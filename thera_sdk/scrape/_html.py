"""HTML to what the pipeline keeps: markdown, title, description and the page's links.

markdownify parses with BeautifulSoup (its own dependency), so the page is parsed once: invisible
elements are removed from the tree, metadata and links read from it, and the rest converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup
from bs4.element import Tag
from markdownify import MarkdownConverter

__all__ = ["PageContent", "html_to_content"]

_INVISIBLE = ("script", "style", "noscript", "template", "svg", "iframe", "head", "canvas")
_CONVERTER = MarkdownConverter(heading_style="ATX", bullets="-", escape_underscores=False)


@dataclass(frozen=True)
class PageContent:
    """What :func:`html_to_content` extracts from one HTML page."""

    markdown: str
    title: str
    description: str
    links: tuple[str, ...]


def _absolute(href: str, base: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    try:
        parts = urlsplit(urljoin(base, href))
        host = parts.hostname
    except ValueError:  # e.g. a malformed IPv6 literal in someone's href
        return None
    if parts.scheme not in {"http", "https"} or not host:
        return None
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _meta(soup: BeautifulSoup, *keys: str) -> str:
    for key in keys:
        for attr in ("name", "property"):
            tag = soup.find("meta", attrs={attr: key})
            if isinstance(tag, Tag):
                content = tag.get("content")
                if isinstance(content, str) and content.strip():
                    return " ".join(content.split())
    return ""


def _tidy(markdown: str) -> str:
    tidy: list[str] = []
    for line in (line.rstrip() for line in markdown.strip().splitlines()):
        if not line and tidy and not tidy[-1]:
            continue  # collapse runs of blank lines
        tidy.append(line)
    return "\n".join(tidy)


def html_to_content(html: str, url: str) -> PageContent:
    """Convert an HTML page to markdown and pull out its title, description and links.

    Scripts, styles and other invisible parts are dropped; links come back absolute, without
    fragments, each once, in page order.

    Examples
    --------
    >>> page = ('<html><head><title>Acme</title><meta name="description" content="Fraud AI">'
    ...         '</head><body><h1>Acme</h1><p>See <a href="/pricing">pricing</a>.</p>'
    ...         '</body></html>')
    >>> content = html_to_content(page, "https://acme.io/")
    >>> content.title, content.description, content.links
    ('Acme', 'Fraud AI', ('https://acme.io/pricing',))
    >>> content.markdown.splitlines()[0]
    '# Acme'
    """
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = " ".join(title_tag.get_text().split()) if isinstance(title_tag, Tag) else ""
    title = title or _meta(soup, "og:title")
    description = _meta(soup, "description", "og:description")
    base_tag = soup.find("base", href=True)
    base = url
    if isinstance(base_tag, Tag) and isinstance(base_tag.get("href"), str):
        base = urljoin(url, str(base_tag["href"]))

    links: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True):
        href = anchor.get("href") if isinstance(anchor, Tag) else None
        absolute = _absolute(href, base) if isinstance(href, str) else None
        if absolute is not None:
            links.setdefault(absolute, None)

    for tag in soup.find_all(_INVISIBLE):
        if isinstance(tag, Tag):
            tag.decompose()
    markdown = _tidy(_CONVERTER.convert_soup(soup))
    return PageContent(markdown, title, description, tuple(links))
