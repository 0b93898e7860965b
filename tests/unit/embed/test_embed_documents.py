"""Company documents: layout, markdown cleaning, the token budget and the content hash."""

from __future__ import annotations

import pytest

from thera_sdk import ValidationError
from thera_sdk.embed import build_document, clean_markdown, estimate_tokens

COMPANY = {
    "id": "fin-01",
    "name": "Riskwire",
    "industry": "Fintech",
    "description": "Real-time transaction scoring that stops card-not-present fraud.",
    "keywords": ["payments", "fraud detection", "Payments"],
}


def test_structured_fields_come_first_and_keywords_are_deduplicated() -> None:
    doc = build_document(COMPANY)
    assert doc.text == (
        "Riskwire. Fintech. Real-time transaction scoring that stops card-not-present fraud.\n"
        "Keywords: payments, fraud detection."
    )
    assert doc.id == "fin-01" and doc.tokens == estimate_tokens(doc.text)


@pytest.mark.parametrize("budget", [16, 40, 100, 300])
def test_markdown_is_trimmed_to_what_the_budget_leaves(budget: int) -> None:
    # GIVEN a long scraped page
    page = "\n".join(
        f"## Section {i}\nWe score payments for fraud in real time, case {i}." for i in range(400)
    )
    # WHEN the document is built within a budget
    doc = build_document(COMPANY, page, max_tokens=budget)
    # THEN it fits, and the structured part is only cut when it alone is too long
    assert doc.tokens <= budget
    assert doc.text.startswith("Riskwire. Fintech.")


def test_markdown_cleaning_drops_links_images_marks_and_repeated_lines() -> None:
    page = (
        "# Riskwire\n[Home](https://riskwire.example/) | [Pricing](/pricing)\n"
        "![logo](logo.png)\n**Stop fraud** before it happens: see https://x.example/a\n"
        "- Chargebacks down 40%\n[Home](https://riskwire.example/) | [Pricing](/pricing)\n"
    )
    assert clean_markdown(page) == (
        "Riskwire\nHome Pricing\nStop fraud before it happens: see\nChargebacks down 40%"
    )


def test_hash_follows_the_text_only() -> None:
    same = build_document({**COMPANY, "employees": 12, "health_score": 80})
    changed = build_document({**COMPANY, "description": "Now also does AML."})
    assert same.content_hash == build_document(COMPANY).content_hash
    assert changed.content_hash != same.content_hash


def test_a_company_without_id_is_refused_and_one_without_text_uses_its_id() -> None:
    with pytest.raises(ValidationError, match="no id"):
        build_document({"name": "Nameless"})
    assert build_document({"startup_id": "s-1"}).text == "s-1"
