"""Text helpers shared by the embedders: token estimates, trimming, word tokens and stemming.

The token estimate is deliberately simple and errs on the high side: a document costs
``max(ceil(chars / 3.5), ceil(words * 4 / 3))`` tokens. English text runs at about 4-4.7
characters per Titan token, so the estimate is usually 15-30 % above the count Bedrock bills,
which is what a budget guard wants (it reserves a little too much, never too little).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "CHARS_PER_TOKEN",
    "STOPWORDS",
    "estimate_tokens",
    "stem",
    "trim_to_tokens",
    "words",
]

CHARS_PER_TOKEN = 3.5
_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*", re.UNICODE)
_SPACE = re.compile(r"\s+")

# Function words, plus the words corporate briefs use to ask for help rather than to say what
# the problem is ("we are looking for innovative partners to help us improve ..."). Those match
# startup descriptions by accident ("hiring partners") and carry no topic, so they are dropped.
STOPWORDS = frozenset(
    """
    a about above across after again against all almost also although always am among an and
    another any anyone anything are around as at be because been before being below between
    both but by can cannot could did do does doing done down during each either else enough
    etc even ever every few for from further get gets getting given had has have having he her
    here hers herself him himself his how however i if in into is it its itself just least
    less let like many may me might more most much must my myself near neither no nor not now
    of off often on once one only onto or other others otherwise our ours ourselves out over
    own per rather same several shall she should since so some such than that the their theirs
    them themselves then there therefore these they this those though through throughout thus
    to together too toward towards under until up upon us very via was we well were what
    whatever when where whereas whether which while who whom whose why will with within without
    would yet you your yours yourself yourselves
    able seek seeks seeking looking look want wants wanted wish need needs needed require
    requires required requirement help helps helping partner partners partnering partnership
    solution solutions innovative innovation new way ways better best improve improves
    improving improvement increase increasing reduce reducing reduction cut cuts currently
    today still already use uses used using make makes making allow allows enable enables
    enabling provide provides providing offer offers offering based lot lots great good
    company companies organisation organization group business businesses firm
    """.split()  # noqa: SIM905 - a word list reads better as text
)


def estimate_tokens(text: str) -> int:
    """A conservative estimate of how many tokens a model bills for ``text``.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    int
        ``max(ceil(chars / 3.5), ceil(words * 4 / 3))``; ``0`` for empty text.

    Examples
    --------
    >>> estimate_tokens("")
    0
    >>> estimate_tokens("Real-time fraud scoring for card payments.")
    12
    """
    if not text:
        return 0
    n_words = len(text.split())
    return max(math.ceil(len(text) / CHARS_PER_TOKEN), math.ceil(n_words * 4 / 3))


def trim_to_tokens(text: str, max_tokens: int) -> str:
    """Cut ``text`` so that :func:`estimate_tokens` of the result is at most ``max_tokens``.

    The cut falls on a word boundary when one is near, and whitespace runs are collapsed first.

    Examples
    --------
    >>> trim_to_tokens("alpha beta gamma delta", 3)
    'alpha beta'
    >>> trim_to_tokens("short", 100)
    'short'
    """
    if max_tokens <= 0:
        return ""
    text = _SPACE.sub(" ", text).strip()
    if estimate_tokens(text) <= max_tokens:
        return text
    cut = text[: int(max_tokens * CHARS_PER_TOKEN)]
    space = cut.rfind(" ")
    if space > len(cut) // 2:
        cut = cut[:space]
    while cut and estimate_tokens(cut) > max_tokens:  # the word rule can still bind
        space = cut.rfind(" ")
        cut = cut[:space] if space > 0 else cut[: len(cut) - 1]
    return cut.rstrip()


def words(text: str) -> list[str]:
    """Lower-case word tokens of ``text`` (NFKC-normalised, accents kept, digits allowed).

    Examples
    --------
    >>> words("Real-time FRAUD scoring, 50ms!")
    ['real', 'time', 'fraud', 'scoring', '50ms']
    """
    normal = unicodedata.normalize("NFKC", text).lower()
    return [w.replace("\u2019", "'").split("'")[0] for w in _WORD.findall(normal)]


_BRITISH = (
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("iser", "izer"),
    ("ises", "izes"),
    ("ise", "ize"),
)
_DERIVED = (  # longest first: (suffix, replacement, shortest stem that may remain)
    ("ization", "iz", 3), ("ation", "at", 3), ("ement", "", 3), ("ment", "", 3),
    ("ical", "ic", 3), ("ance", "", 4), ("ence", "", 4), ("ity", "", 4), ("ive", "", 4),
    ("ion", "", 4), ("er", "", 4), ("al", "", 5),
)  # fmt: skip
_VOWEL = re.compile(r"[aeiouy]")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A small, deterministic suffix stripper (English), enough to join word forms.

    Three steps, each only when enough of the word remains: British ``-ise`` spellings become
    ``-ize``; plural and verb endings go (``-ies``, ``-s``, ``-ing``, ``-ed``, undoing a doubled
    final consonant); then one derivational ending (``-ization``, ``-ation``, ``-ment``,
    ``-ity``, ``-ive``, ``-tion``/``-sion``, ``-er``, ...) and a final ``e``. It is not a full
    Porter stemmer: the aim is that ``optimise``, ``optimizing`` and ``optimization`` meet and
    that short words stay as they are.

    Examples
    --------
    >>> [stem(w) for w in ["optimise", "optimizing", "optimization"]]
    ['optimiz', 'optimiz', 'optimiz']
    >>> [stem(w) for w in ["payments", "shipping", "logistics", "hospitals", "supplier"]]
    ['pay', 'ship', 'logistic', 'hospit', 'supply']
    >>> stem("gas"), stem("bus"), stem("million")
    ('gas', 'bus', 'million')
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    for old, new in _BRITISH:
        if word.endswith(old) and len(word) - len(old) >= 3:
            word = word[: -len(old)] + new
            break
    word = _inflection(word)
    for suffix, replacement, keep in _DERIVED:
        if not word.endswith(suffix) or len(word) - len(suffix) < keep:
            continue
        base = word[: -len(suffix)]
        if suffix == "ion" and not base.endswith(("t", "s")):
            break
        word = base + replacement
        if suffix in {"er", "ance"} and word.endswith("i"):
            word = word[:-1] + "y"  # supplier -> supply, compliance -> comply
        break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _inflection(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and not word.endswith("eed"):
            base = word[: -len(suffix)]
            if len(base) >= 3 and _VOWEL.search(base):
                return base[:-1] if _double(base) else base
    return word


def _double(word: str) -> bool:
    return len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouylsz"
