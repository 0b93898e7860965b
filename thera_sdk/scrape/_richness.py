"""Content richness: how much a scraped site tells us, as a 0-100 score with its parts.

The parts are plain counts and flags so a reviewer can see why a site scored low: a landing page
with one heading and no pricing or team page says little about what a startup does.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

__all__ = ["TOPIC_WORDS", "Richness", "richness"]

# Words in a link (path or anchor text) or a heading that point to a page about the topic.
TOPIC_WORDS: Mapping[str, tuple[str, ...]] = {
    "product": ("product", "products", "platform", "features", "solution", "solutions",
                "how-it-works", "how it works", "technology", "use-cases", "use cases"),
    "pricing": ("pricing", "prices", "plans", "price", "buy", "subscribe"),
    "team": ("team", "about", "about-us", "about us", "people", "founders", "leadership",
             "company", "careers", "jobs"),
    "customers": ("customers", "customer", "clients", "case-studies", "case studies",
                  "case-study", "testimonials", "success-stories", "success stories", "partners"),
}

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S.*$", re.MULTILINE)
_SETEXT = re.compile(r"^\s{0,3}\S.*\n\s{0,3}(=+|-+)\s*$", re.MULTILINE)
_MD_LINK = re.compile(r"(?<!!)\[([^\]]*)\]\(([^)\s]+)[^)]*\)")
_MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[#>*_`|~-]+")
_WORDS = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Points per part; they add up to 100.
_TEXT_POINTS, _HEADING_POINTS, _LINK_POINTS, _TOPIC_POINTS = 30, 15, 15, 10
_TEXT_FULL, _HEADINGS_FULL, _LINKS_FULL = 5000, 12, 30


@dataclass(frozen=True)
class Richness:
    """A richness score (0-100) and the parts it is made of.

    ``text_length`` counts the characters of readable text (markdown syntax removed);
    ``links`` counts distinct links, ``internal_links`` those to the same site; the four flags
    say whether the page links to (or has a section about) product, pricing, team, customers.
    """

    score: int
    text_length: int
    headings: int
    links: int
    internal_links: int
    product: bool
    pricing: bool
    team: bool
    customers: bool

    def as_dict(self) -> dict[str, Any]:
        """The score and its parts as a plain dict (for JSON and Parquet)."""
        return asdict(self)


def _topic_hits(texts: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for text in texts:
        lowered = text.lower()
        words = set(_WORDS.findall(lowered))
        for topic, cues in TOPIC_WORDS.items():
            if topic in found:
                continue
            for cue in cues:
                if (" " in cue and cue in lowered) or cue in words:
                    found.add(topic)
                    break
    return found


def _same_site(host: str, site: str) -> bool:
    host, site = host.lower().removeprefix("www."), site.lower().removeprefix("www.")
    return bool(host) and (host == site or host.endswith("." + site))


def _host(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


def _scaled(value: int, full: int, points: int) -> float:
    # Logarithmic: the first few hundred characters (or headings, links) matter most.
    if value <= 0:
        return 0.0
    return points * min(1.0, math.log1p(value) / math.log1p(full))


def richness(markdown: str, links: Iterable[str] = (), *, base_url: str = "") -> Richness:
    """Score how much a page says, from its markdown and its links.

    Parameters
    ----------
    markdown
        The page as markdown.
    links
        Absolute URLs found on the page; links written in the markdown are added to them.
    base_url
        The page's URL: links to the same host (or its subdomains) count as internal.

    Examples
    --------
    >>> page = "# Acme\\nWe build payment fraud models.\\n\\n[Pricing](https://acme.io/pricing)"
    >>> r = richness(page, ["https://acme.io/team"], base_url="https://acme.io/")
    >>> (r.headings, r.links, r.internal_links, r.pricing, r.team, r.customers)
    (1, 2, 2, True, True, False)
    >>> 0 < r.score < 100
    True
    """
    site = urlsplit(base_url).hostname or ""
    anchors: dict[str, str] = {}  # absolute target -> anchor text
    for text, target in _MD_LINK.findall(markdown):
        resolved = urljoin(base_url, target) if base_url else target
        if resolved.startswith(("http://", "https://")):
            anchors.setdefault(resolved.split("#", 1)[0], text)
    all_links = {link.split("#", 1)[0] for link in links if link} | set(anchors)
    internal = [link for link in all_links if _same_site(_host(link), site)]

    heading_lines = [m.group(0) for m in _HEADING.finditer(markdown)]
    headings = len(heading_lines) + len(_SETEXT.findall(markdown))
    text_length = len(" ".join(_MD_NOISE.sub(r"\1", markdown).split()))

    # Topics: internal link paths, their anchor texts and the page's own headings.
    cues = [urlsplit(link).path.replace("/", " ") for link in internal]
    cues += [anchors[link] for link in internal if link in anchors]
    cues += heading_lines
    topics = _topic_hits(cues)

    link_count, internal_count = len(all_links), len(internal)
    score = (
        _scaled(text_length, _TEXT_FULL, _TEXT_POINTS)
        + _scaled(headings, _HEADINGS_FULL, _HEADING_POINTS)
        + _scaled(link_count, _LINKS_FULL, _LINK_POINTS)
        + _TOPIC_POINTS * len(topics)
    )
    return Richness(
        score=round(score),
        text_length=text_length,
        headings=headings,
        links=link_count,
        internal_links=internal_count,
        product="product" in topics,
        pricing="pricing" in topics,
        team="team" in topics,
        customers="customers" in topics,
    )
