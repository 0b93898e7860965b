"""Token estimates, trimming, word tokens and the stemmer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from thera_sdk.embed import estimate_tokens, stem, trim_to_tokens, words


def test_the_estimate_errs_high_for_english() -> None:
    # GIVEN English prose, at about 4-4.7 characters per token for Titan
    text = "Real-time transaction scoring that stops card-not-present fraud for merchants."
    # WHEN estimated THEN it is at least chars / 4.7 (what Bedrock would bill, roughly)
    assert estimate_tokens(text) >= len(text) / 4.7
    assert estimate_tokens("") == 0


@given(st.text(max_size=400), st.integers(min_value=0, max_value=120))
def test_trimming_always_fits_the_budget(text: str, budget: int) -> None:
    trimmed = trim_to_tokens(text, budget)
    assert estimate_tokens(trimmed) <= budget
    assert " ".join(trimmed.split()) in " ".join(text.split())


def test_trimming_keeps_short_text_and_cuts_on_words() -> None:
    assert trim_to_tokens("fraud scoring", 50) == "fraud scoring"
    greek = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    cut = trim_to_tokens(" ".join(greek), 6)
    assert cut and all(word in greek for word in cut.split())


def test_words_are_lower_case_and_drop_possessives() -> None:
    assert words("Acme's AI-driven KYC, 2FA!") == ["acme", "ai", "driven", "kyc", "2fa"]


def test_stemmer_joins_word_forms_and_spares_short_words() -> None:
    assert {stem(w) for w in ("optimise", "optimized", "optimization", "optimizing")} == {"optimiz"}
    assert {stem(w) for w in ("charging", "charger", "chargers", "charge")} == {"charg"}
    assert {stem(w) for w in ("nurses", "nursing", "nurse")} == {"nurs"}
    assert stem("gas") == "gas" and stem("bus") == "bus" and stem("analysis") == "analysis"
    assert stem("million") == "million"  # -ion only after t or s
