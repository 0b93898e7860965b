"""Run input defaults and the planning of fan-out stages."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.curate_companies import curate, site_summary
from tasks.plan_stage import healthy_domains, source_domains
from tasks.prepare_run import InvalidRunInput, prepare


def test_empty_input_gets_every_default():
    assert prepare({}, today=dt.date(2026, 3, 4)) == {
        "date": "2026-03-04", "source": "apollo", "web": True,
    }


def test_file_source_needs_a_file_and_reports_every_problem():
    with pytest.raises(InvalidRunInput) as info:
        prepare({"source": "file", "web": "yes", "color": 1})
    message = str(info.value)
    assert "'file' is a required property" in message
    assert "web" in message and "color" in message


@pytest.mark.parametrize("day", ["2026-02-30", "26-01-01", "2026-13-01"])
def test_impossible_dates_are_refused(day):
    with pytest.raises(InvalidRunInput, match="date"):
        prepare({"date": day})


def test_source_domains_are_distinct_and_skip_missing():
    rows = [{"id": 1, "domain": "a.io"}, {"id": 2, "domain": None}, {"id": 3, "domain": "b.io"},
            {"id": 4, "domain": "a.io"}]
    assert source_domains(rows) == [{"domain": "a.io", "company_id": "1"},
                                    {"domain": "b.io", "company_id": "3"}]


def test_healthy_domains_use_the_best_score_at_the_threshold():
    rows = [{"domain": "a.io", "score": 59}, {"domain": "b.io", "score": 60},
            {"domain": "a.io", "score": 61}, {"domain": "c.io", "score": None}]
    assert healthy_domains(rows, 60) == [{"domain": "a.io", "score": 61},
                                         {"domain": "b.io", "score": 60}]


def test_site_summary_joins_pages_and_scales_richness():
    pages = [
        {"domain": "a.io", "title": None, "description": "About A", "markdown": "# Home",
         "richness": 40},
        {"domain": "a.io", "title": "A pricing", "description": None, "markdown": "# Pricing",
         "richness": 90},
    ]
    summary = site_summary(pages)["a.io"]
    assert summary == {"site_title": "A pricing", "site_description": "About A",
                       "markdown": "# Home\n\n# Pricing", "richness": 0.9}


def test_curate_keeps_personal_data_on_the_private_side_only():
    companies = [
        {"id": "1", "name": "Acme", "domain": "a.io", "extra": [("rank", "3")]},
        {"id": "1", "name": "Acme GmbH", "domain": "a.io", "extra": None},  # later source wins
        {"id": "2", "name": "Beta", "domain": None},
    ]
    contacts = [{"company_id": "1", "emails": ["ceo@a.io"], "phones": ["+49 30 1234"],
                 "people": ['{"name": "Ann"}']}]
    public, private = curate(companies, [{"domain": "a.io", "score": 77}], [], contacts, "T")
    assert [r["name"] for r in public] == ["Acme GmbH", "Beta"]
    assert public[0]["health_score"] == 77 and public[1]["health_score"] is None
    assert not {"emails", "phones", "people"} & set(public[0])
    assert private[0]["emails"] == ["ceo@a.io"] and private[1]["emails"] == []
    assert all(r["updated_at"] == "T" for r in public)
