"""Reading the targets a stage works on from an object: one per line, or JSONL objects."""

from __future__ import annotations

import json

from thera_sdk import ValidationError


def read_target_lines(data: bytes, name: str = "the source") -> list[str]:
    """Domains or URLs from plain lines or JSONL objects with ``domain``/``url``.

    Blank lines and ``#`` comments are skipped; a line that starts like JSON but is not a
    usable object is an error naming the line.

    Examples
    --------
    >>> read_target_lines(b'acme.com\\n# note\\n{"url": "https://x.io/"}\\n\\n')
    ['acme.com', 'https://x.io/']
    """
    lines = []
    for number, raw in enumerate(data.decode("utf-8-sig").splitlines(), start=1):
        text = raw.strip()
        if text.startswith("{"):
            try:
                item = json.loads(text)
                text = str(item.get("domain") or item.get("url") or "")
            except (ValueError, AttributeError) as exc:
                raise ValidationError(
                    f"Line {number} of {name} is neither a domain nor a JSON object with "
                    "'domain' or 'url'; fix or remove it."
                ) from exc
        if text and not text.startswith("#"):
            lines.append(text)
    return lines
