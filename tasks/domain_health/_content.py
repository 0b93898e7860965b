"""What a home page says about a domain: size, title, text, and signs of a dead site.

Parked and for-sale pages, web-server default pages and placeholder text are recognised by
phrases such pages share across registrars and servers. Matching runs on the title and the
visible text (scripts and styles removed), lower-cased, so markup cannot hide or fake a phrase.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

__all__ = ["ContentReport", "analyse_content"]

_SIGNALS: dict[str, tuple[str, ...]] = {
    "parked": (
        "domain is parked",
        "parked free",
        "parked domain",
        "domain parking",
        "parkingcrew",
        "sedoparking",
        "this domain has been registered",
        "domain has expired",
        "related searches",
    ),
    "for_sale": (
        "domain is for sale",
        "domain may be for sale",
        "buy this domain",
        "interested in selling",
        "make an offer on this domain",
        "inquire about this domain",
        "hugedomains",
        "afternic",
        "is for sale!",
    ),
    "default_page": (
        "welcome to nginx",
        "apache2 ubuntu default page",
        "apache2 debian default page",
        "test page for the apache http server",
        "it works!",
        "iis windows server",
        "caddy works",
        "default web site page",
        "web server's default page",
        "congratulations! your website is up",
        "plesk default page",
        "site not configured",
        "index of /",
    ),
    "placeholder": (
        "lorem ipsum",
        "coming soon",
        "under construction",
        "launching soon",
        "just another wordpress site",
        "hello world!",
        "site is under maintenance",
    ),
}
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HIDDEN = re.compile(
    r"<(script|style|noscript|template)\b[^>]*>.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)


@dataclass(frozen=True)
class ContentReport:
    """The facts about one page body.

    ``signals`` maps a kind (``parked``, ``for_sale``, ``default_page``, ``placeholder``) to
    the phrases found.
    """

    bytes: int
    content_type: str
    title: str | None
    text_chars: int
    truncated: bool = False
    signals: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-able form."""
        return {
            "bytes": self.bytes,
            "content_type": self.content_type,
            "title": self.title,
            "text_chars": self.text_chars,
            "truncated": self.truncated,
            "signals": self.signals,
        }


def _decode(body: bytes, content_type: str) -> str:
    match = _CHARSET.search(content_type)
    encoding = match.group(1) if match else "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:  # an unknown charset name: UTF-8 is the web's default
        return body.decode("utf-8", errors="replace")


def _clean(text: str) -> str:
    return " ".join(html.unescape(text).split())  # runs of whitespace to one space, stripped


def analyse_content(
    body: bytes, content_type: str = "", *, truncated: bool = False
) -> ContentReport:
    """Measure a page and look for signs of a parked, default or placeholder site.

    Examples
    --------
    >>> report = analyse_content(b"<title>Welcome to nginx!</title><p>It works</p>", "text/html")
    >>> report.title, report.signals
    ('Welcome to nginx!', {'default_page': ['welcome to nginx']})
    """
    text = _decode(body, content_type)
    match = _TITLE.search(text)
    title = _clean(match.group(1))[:300] if match else None
    visible = (
        _clean(_TAG.sub(" ", _HIDDEN.sub(" ", text)))
        if "html" in content_type or ("<" in text[:1024])
        else _clean(text)
    )
    haystack = f"{title or ''} {visible}".lower()
    signals = {
        kind: [phrase for phrase in phrases if phrase in haystack]
        for kind, phrases in _SIGNALS.items()
    }
    return ContentReport(
        bytes=len(body),
        content_type=content_type,
        title=title or None,
        text_chars=len(visible),
        truncated=truncated,
        signals={kind: found for kind, found in signals.items() if found},
    )
