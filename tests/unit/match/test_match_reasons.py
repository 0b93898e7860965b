"""Reasons: phrases quoted from the description, keywords, filters and site state."""

from __future__ import annotations

from thera_sdk.match import CompanyFacts, content_stems, describe, explain

NAN = float("nan")


def _facts(**overrides: object) -> CompanyFacts:
    values: dict[str, object] = {
        "name": "Acme", "description": "", "keywords": [], "industry": "Fintech",
        "country": "Germany", "industry_match": False, "country_match": False,
        "industry_asked": True, "country_asked": False,
        "richness": NAN, "health_score": NAN, "similarity": 0.3,
    }  # fmt: skip
    values.update(overrides)
    return CompanyFacts(**values)  # type: ignore[arg-type]


def test_describe_picks_the_sentence_sharing_most_words() -> None:
    challenge = content_stems("fraud in card payments at checkout, scored in real time")
    text = (
        "Acme Pay is a Berlin company. Acme Pay offers checkout payments for shops. "
        "Its engine scores card fraud in real time for payments teams."
    )
    assert describe(challenge, text, "Acme Pay") == "scores card fraud in real time for payments"


def test_describe_needs_two_shared_words_and_never_quotes_the_name() -> None:
    assert describe(content_stems("bank fraud"), "Acme serves banks.", "Acme") is None
    phrase = describe(content_stems("fraud scoring"), "Acme fraud scoring engine.", "Acme")
    assert phrase == "fraud scoring engine"


def test_long_sentences_are_cut_to_the_densest_window() -> None:
    challenge = content_stems("fraud scoring")
    text = (
        "We started with fraud and after many years of building dashboards, audits, exports, "
        "integrations and reporting for clients we now focus on fraud scoring."
    )
    assert describe(challenge, text) == "fraud scoring"


def test_explain_orders_reasons_and_names_industry_country_and_site() -> None:
    reasons = explain(
        content_stems("payments fraud in Germany"),
        _facts(
            description="Real-time fraud scoring for payments.",
            keywords=["payments", "risk"], industry_match=True, country_match=True,
            richness=0.9, health_score=80.0,
        ),
    )  # fmt: skip
    assert reasons == [
        "describes fraud scoring for payments",
        "industry Fintech matches",
        "country Germany named in the challenge",
        "site healthy, rich content",
    ]


def test_site_reason_variants() -> None:
    def site(richness: float, health: float) -> list[str]:
        return explain(frozenset(), _facts(richness=richness, health_score=health))[1:]

    assert site(0.9, 90.0) == ["site healthy, rich content"]
    assert site(0.1, 90.0) == ["site healthy"]
    assert site(0.9, 10.0) == ["rich site content"]
    assert site(NAN, NAN) == []


def test_keywords_not_already_quoted_are_listed() -> None:
    reasons = explain(
        content_stems("chargeback disputes"),
        _facts(keywords=["chargebacks", "disputes", "onboarding"]),
    )
    assert reasons == ["keywords chargebacks, disputes"]
