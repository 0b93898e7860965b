"""Apollo records to public companies and private contacts; slices; content hashes."""

from __future__ import annotations

import pytest

from thera_sdk import ValidationError
from thera_sdk.sources import (
    VOLATILE_FIELDS,
    Slice,
    Universe,
    companies_table,
    company_from_apollo,
    content_hash,
    normalize_domain,
    split_slice,
)

ORG = {
    "id": "54a1", "name": " Acme  GmbH ", "website_url": "http://www.acme.io",
    "primary_domain": None, "industries": ["fintech"], "keywords": ["fraud", " ", 3],
    "estimated_num_employees": 42.0, "founded_year": "2017", "country": "Germany",
    "city": "Berlin", "short_description": "Fraud scoring.", "alexa_ranking": 1234,
    "primary_phone": {"number": "+49 30 1234", "sanitized_number": "+49301234",
                      "source": "Owler"},
    "sanitized_phone": "+49301234",
    "account": {"id": "a1", "owner_email": "rep@acme.io", "phone_numbers": [{"raw_number": "1"}],
                "stage": "prospect"},
    "people": [{"name": "Ada", "email": "ada@acme.io"}],
    "logo_url": "https://logo/acme.png",
}


def test_public_fields_are_normalised() -> None:
    company, _ = company_from_apollo(ORG)
    assert (company.id, company.name, company.domain, company.industry) == (
        "54a1", "Acme GmbH", "acme.io", "fintech")
    assert (company.keywords, company.employees, company.founded_year) == (("fraud",), 42, 2017)
    assert company.source == "apollo" and company.description == "Fraud scoring."


def test_private_fields_never_reach_the_public_record() -> None:
    company, contacts = company_from_apollo(ORG)
    public = str(company.as_dict())
    for secret in ("+49", "rep@acme.io", "ada@acme.io", "phone", "email", "people"):
        assert secret not in public
    assert contacts.phones == ("+49301234",)
    assert set(contacts.emails) == {"rep@acme.io"}
    assert len(contacts.people) == 1 and "ada@acme.io" in contacts.people[0]
    assert company.extra["account"] == '{"id": "a1", "stage": "prospect"}'


def test_a_record_without_id_is_refused() -> None:
    with pytest.raises(ValueError, match="id"):
        company_from_apollo({"name": "x"})


def test_volatile_fields_do_not_change_the_hash() -> None:
    base, contacts = company_from_apollo(ORG)
    moved, _ = company_from_apollo({**ORG, "alexa_ranking": 99})
    renamed, _ = company_from_apollo({**ORG, "short_description": "Other."})
    digest = content_hash(base, contacts, ignore_extra=VOLATILE_FIELDS)
    assert content_hash(moved, contacts, ignore_extra=VOLATILE_FIELDS) == digest
    assert content_hash(renamed, contacts, ignore_extra=VOLATILE_FIELDS) != digest
    new_phone, other = company_from_apollo({**ORG, "sanitized_phone": "+1"})
    assert content_hash(new_phone, other, ignore_extra=VOLATILE_FIELDS) != digest


def test_companies_table_schema() -> None:
    company, _ = company_from_apollo(ORG)
    table = companies_table([company])
    assert table.schema.field("extra").type.key_type == "string"
    assert table.column("employees").to_pylist() == [42]


@pytest.mark.parametrize(
    ("text", "expected"),
    [("acme.io", "acme.io"), ("https://WWW.acme.io:8080/x", "acme.io"), ("acme", None),
     ("10.0.0.1", None), ("bücher.de", "xn--bcher-kva.de"), ("-bad-.io", None), (None, None)],
)
def test_normalize_domain(text: str | None, expected: str | None) -> None:
    assert normalize_domain(text) == expected


def test_universe_slices_are_the_product_of_dimensions() -> None:
    universe = Universe(locations=("DE", "FR"), employee_ranges=("1,10", "11,50", "51,"),
                        keyword_tags=("ai",), filters={"q_organization_name": "x"})
    slices = universe.slices()
    assert len(slices) == 6 == len({s.id for s in slices})
    assert slices[0].filters == {"q_organization_name": "x", "organization_locations": ["DE"],
                                 "organization_num_employees_ranges": ["1,10"],
                                 "q_organization_keyword_tags": ["ai"]}
    assert Universe().slices()[0].filters == {"organization_num_employees_ranges": ["1,10"]}


@pytest.mark.parametrize(
    ("ranges", "halves"),
    [(["1,200"], [["1,100"], ["101,200"]]), (["10001,"], [["10001,20002"], ["20003,"]]),
     (["1,2"], [["1,1"], ["2,2"]])],
)
def test_split_halves_the_employee_range(ranges: list[str], halves: list[list[str]]) -> None:
    parts = split_slice(Slice.of({"organization_num_employees_ranges": ranges}))
    assert parts is not None
    assert [p.filters["organization_num_employees_ranges"] for p in parts] == halves


def test_split_without_range_uses_the_default_bands() -> None:
    parts = split_slice(Slice.of({"organization_locations": ["DE"]}))
    assert parts is not None and len(parts) == 10


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"per_page": 0}, "per_page"),
        ({"max_pages": 501}, "max_pages"),
        ({"employee_ranges": ["ten"]}, "11,50"),
        ({"filters": {"organization_locations": ["DE"]}}, "dimensions"),
        ({"locations": "DE"}, "list of strings"),
        ({"filters": []}, "object"),
    ],
)
def test_universe_checks(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Universe.from_dict(data)
