"""One document per company: the text an embedder reads, its content hash and token estimate.

Layout (empty parts are left out)::

    <name>. <industry>. <description>
    Keywords: <keyword>, <keyword>, ...

    <scraped markdown, cleaned and trimmed to what is left of the token budget>

The structured fields come first so trimming only ever shortens the scraped page. Markdown is
cleaned before it is counted: images, link targets, bare URLs, formatting marks and repeated
lines (navigation and footers repeat on every page) are removed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from thera_sdk._exceptions import ValidationError
from thera_sdk.embed._text import estimate_tokens, trim_to_tokens

__all__ = ["DEFAULT_DOCUMENT_TOKENS", "Document", "build_document", "clean_markdown"]

DEFAULT_DOCUMENT_TOKENS = 1024

_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+")
_BLOCK = re.compile(r"^\s*(?:#+|>+|[-+*]\s|\d+\.\s)|\|", re.MULTILINE)
_INLINE = re.compile(r"[*_`~]+")
_SPACES = re.compile(r"[ \t\f\v]+")


@dataclass(frozen=True)
class Document:
    """The text embedded for one company.

    ``content_hash`` is the SHA-256 of ``text``: a company whose document did not change is
    not embedded again. ``tokens`` is :func:`~thera_sdk.embed._text.estimate_tokens` of it.
    """

    id: str
    text: str
    content_hash: str
    tokens: int


def clean_markdown(markdown: str) -> str:
    """Scraped markdown reduced to its sentences.

    Examples
    --------
    >>> clean_markdown("# Acme\\n[Home](/)\\n![logo](a.png)\\nWe stop **fraud**.\\n[Home](/)")
    'Acme\\nHome\\nWe stop fraud.'
    """
    text = _IMAGE.sub(" ", markdown)
    text = _LINK.sub(r"\1", text)
    text = _URL.sub(" ", text)
    text = _INLINE.sub("", _BLOCK.sub(" ", text))
    seen: set[str] = set()
    lines: list[str] = []
    for raw in text.splitlines():
        line = _SPACES.sub(" ", raw).strip()
        key = line.lower()
        if line and key not in seen:
            seen.add(key)
            lines.append(line)
    return "\n".join(lines)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _keywords(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, Iterable):
        return []
    out: list[str] = []
    for item in value:
        word = _text(item)
        if word and word.lower() not in {k.lower() for k in out}:
            out.append(word)
    return out


def build_document(
    company: Mapping[str, Any],
    markdown: str | None = None,
    *,
    max_tokens: int = DEFAULT_DOCUMENT_TOKENS,
) -> Document:
    """Build the document of one company (``id`` or ``startup_id``, ``name``, ``industry``,
    ``description``, ``keywords``) plus its scraped ``markdown``, within ``max_tokens``.

    Examples
    --------
    >>> doc = build_document({"id": "c1", "name": "Riskwire", "industry": "Fintech",
    ...                       "description": "Stops card fraud.", "keywords": ["payments"]})
    >>> doc.text
    'Riskwire. Fintech. Stops card fraud.\\nKeywords: payments.'
    >>> doc.tokens <= 1024 and len(doc.content_hash) == 64
    True
    """
    if max_tokens < 8:
        raise ValidationError(f"max_tokens must be at least 8, got {max_tokens}.")
    ident = _text(company.get("startup_id") or company.get("id") or "")
    if not ident:
        raise ValidationError(f"Company {dict(company)!r} has no id; every row needs one.")
    head = ". ".join(
        part.rstrip(".")
        for part in (_text(company.get("name")), _text(company.get("industry")))
        if part
    )
    description = _text(company.get("description"))
    first = f"{head}. {description}" if head and description else (head + "." if head else "")
    first = first or description
    keywords = _keywords(company.get("keywords"))
    parts = [trim_to_tokens(first, max_tokens)] if first else []
    if keywords:
        parts.append(f"Keywords: {', '.join(keywords)}.")
    text = "\n".join(p for p in parts if p)
    text = text if estimate_tokens(text) <= max_tokens else trim_to_tokens(text, max_tokens)
    page = clean_markdown(markdown or "")
    left = max_tokens - estimate_tokens(text) - 2
    if page and left > 16:
        page = trim_to_tokens(page, left)
        text = f"{text}\n\n{page}" if text else page
    if not text:
        text = ident  # Bedrock refuses empty input; an id is better than nothing
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(ident, text, digest, estimate_tokens(text))
