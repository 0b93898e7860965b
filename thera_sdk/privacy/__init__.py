"""Personal data in free text: find it, mask it.

Used wherever a record leaves the private side (the publisher's public table, logs, exports).
Detection is recall-first and has two sources:

- generic patterns for e-mail addresses (plain and obfuscated), phone numbers in international
  and national formats, and personal profile links (``linkedin.com/in/...``);
- the record's own contacts (:class:`KnownPii`): names, which no pattern can recognise, and
  the short or unusual forms of their own addresses and numbers.

Text is NFKC-normalised and stripped of invisible characters first, so full-width or
zero-width tricks do not hide anything. See :mod:`thera_sdk.privacy._patterns` and
:mod:`thera_sdk.privacy._known` for the exact forms covered.

Examples
--------
>>> from thera_sdk.privacy import KnownPii, mask_text
>>> mask_text("Founded by Jane Doe (jane at acme dot io)", KnownPii(names=("Jane Doe",)))
'Founded by [redacted-name] ([redacted-email])'
"""

from thera_sdk.privacy._known import KnownPii
from thera_sdk.privacy._mask import PLACEHOLDERS, Finding, contains_pii, find_pii, mask_text
from thera_sdk.privacy._patterns import email_spans, phone_spans, profile_spans
from thera_sdk.privacy._text import digits_of, normalize_text

__all__ = [
    "PLACEHOLDERS",
    "Finding",
    "KnownPii",
    "contains_pii",
    "digits_of",
    "email_spans",
    "find_pii",
    "mask_text",
    "normalize_text",
    "phone_spans",
    "profile_spans",
]
