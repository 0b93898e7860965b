"""The masker and the public record schema agree: masked text always passes the schema's
free-text rule, so the schema check (the last line of defence) never stops a run for text the
masker already handled, and anything it refuses is a real gap."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from thera_sdk._schemas import schemas_dir
from thera_sdk.privacy import mask_text

_SCHEMA = json.loads((schemas_dir() / "startup_public_record.json").read_text(encoding="utf-8"))
PUBLIC_TEXT = Draft202012Validator({**_SCHEMA["$defs"]["public_text"], "$defs": _SCHEMA["$defs"]})

TOKENS = (
    "a", "jane", "acme", "com", "io", "at", "AT", "dot", "@", "\uff20", "[", "]", "(", ")", "{",
    "}", "<", ">", "&#64;", "&#x40;", "&#X040;", "%40", " ", ".", " . ", "+", "\uff0b", "1", "12",
    "0", "00", "-", "\u2013", "/", "linkedin.com/in/", "linkedin.com/pub/", "x", "\n", "mailto:",
    "tel:", "ext", "_", "'", "2025-01-31", "\u200b",
)  # fmt: skip
texts = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=400)
@given(texts)
def test_masked_text_always_passes_the_public_text_rule(text: str) -> None:
    masked = mask_text(text)
    errors = list(PUBLIC_TEXT.iter_errors(masked))
    assert errors == [], f"{text!r} -> {masked!r}"


def test_the_rule_itself_refuses_unmasked_personal_data() -> None:
    for text in ("jane@acme.io", "jane [at] acme", "jane&#64;acme", "+44 20 7946 0958",
                 "linkedin.com/in/jane"):  # fmt: skip
        assert list(PUBLIC_TEXT.iter_errors(text)), text
