"""Text normalisation done before any detection, so look-alike characters cannot hide data.

NFKC folds full-width and compatibility forms (U+FF20 to ``@``, U+FF11 to ``1``, no-break
spaces to spaces); invisible characters (zero-width spaces and joiners, soft hyphens, bidi
controls) are removed because they split an address or a number without changing how it reads.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["digits_of", "normalize_text"]

_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f"
                        "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]")  # fmt: skip


def normalize_text(text: str) -> str:
    """NFKC-normalise ``text`` and drop invisible characters.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        The text every detector of :mod:`thera_sdk.privacy` works on.

    Examples
    --------
    >>> normalize_text("jane\\u200b\\uff20acme\\uff0ecom")
    'jane@acme.com'
    """
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def digits_of(text: str) -> str:
    """The decimal digits of ``text`` as ASCII, in order (any script's digits count).

    Examples
    --------
    >>> digits_of("+44 (0)20 ٧٩٤٦")
    '440207946'
    """
    out = []
    for char in text:
        value = unicodedata.decimal(char, None)
        if value is not None:
            out.append(str(value))
    return "".join(out)
