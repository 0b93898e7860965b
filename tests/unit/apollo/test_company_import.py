"""The import format: CSV and JSONL, good rows kept, bad rows reported by line number."""

# ruff: noqa: E501 - CSV rows are test data, kept on one line each

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from thera_sdk.sources import ImportFormatError, company_from_row, read_companies

SCHEMA = json.loads(
    (Path(__file__).parents[3] / "schemas" / "company_import.json").read_text(encoding="utf-8")
)

CSV = """id,name,domain,description,industry,country,city,keywords,employees,founded_year,linkedin_url,stage
1,Acme,https://www.acme.io/,Fraud scoring,Fintech,Germany,Berlin,fraud; payments|risk,12,2019,https://www.linkedin.com/company/acme,seed
2,,nameless.io,,,,,,,,,
3,Beta,not a domain,,,,,,,,,

4,Gamma,gamma.io,"Multi-line
description",,,,,many,,,
5,Delta,delta.io,,,,,,,1700,,
6,Eps,eps.io,,,,,,,,http://evil.example/acme,
1,Dup,dup.io,,,,,,,,,
7,Zeta,zeta.io,,,,,,,,,,extra-field
8,Eta,eta.io,,,,,,3,2020,,
"""


def test_csv_keeps_good_rows_and_reports_bad_ones_by_line() -> None:
    # GIVEN a CSV with one error of each kind
    result = read_companies(CSV.encode(), name="list.csv")
    # THEN good rows are kept with their fields and extras
    assert [c.id for c in result.companies] == ["1", "8"]
    acme = result.companies[0]
    assert (acme.domain, acme.keywords, acme.employees, acme.founded_year) == (
        "acme.io", ("fraud", "payments", "risk"), 12, 2019)
    assert dict(acme.extra) == {"stage": "seed"} and acme.source == "file"
    # AND each bad row is reported once, with the line where it starts
    errors = {e.line: e.message for e in result.errors}
    assert sorted(errors) == [3, 4, 6, 8, 9, 10, 11]
    assert errors[3] == "name is required"
    assert "not a domain" in errors[4]
    assert "employees" in errors[6]  # the record starting on line 6 spans two lines
    assert "founded_year" in errors[8]
    assert "linkedin.com" in errors[9]
    assert "repeats line 2" in errors[10]
    assert "13 fields" in errors[11]
    assert result.rows == 9 and result.format == "csv"


def test_jsonl_rows() -> None:
    lines = [
        json.dumps({"name": "Acme", "domain": "acme.io", "keywords": ["a", "b"], "employees": 5,
                    "funding": {"round": "A"}}),
        "",
        "{not json",
        json.dumps(["a list"]),
        json.dumps({"name": "NoId"}),
        json.dumps({"id": 7, "name": "Numbered", "keywords": 3}),
        json.dumps({"id": "x", "name": "Ok", "employees": 4.0}),
    ]
    result = read_companies("\n".join(lines).encode())
    assert result.format == "jsonl"
    assert [c.id for c in result.companies] == ["acme.io", "x"]
    assert result.companies[0].extra == {"funding": '{"round": "A"}'}
    assert result.companies[1].employees == 4
    assert [(e.line, e.message.split(" ")[0]) for e in result.errors] == [
        (3, "not"), (4, "is"), (5, "give"), (6, "keywords")]


def test_files_and_formats(tmp_path: Path) -> None:
    path = tmp_path / "list.jsonl"
    path.write_text('{"name": "A", "domain": "a.io"}\n', encoding="utf-8")
    assert read_companies(path).companies[0].domain == "a.io"
    bom = "\ufeffname,domain\nA,a.io\n".encode()
    assert read_companies(bom, format="csv").companies[0].name == "A"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"", "empty"),
        (b"id,domain\n1,a.io\n", "no 'name' column"),
        (b"name,name\nA,B\n", "repeated"),
    ],
)
def test_whole_file_errors(data: bytes, message: str) -> None:
    with pytest.raises(ImportFormatError, match=message):
        read_companies(data, format="csv")


def test_unknown_format_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="csv"):
        read_companies(b"x", format="xml")
    with pytest.raises(ImportFormatError, match="Cannot read"):
        read_companies(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    "row",
    [
        {"name": "Acme", "domain": "acme.io"},
        {"id": "1", "name": "Acme", "keywords": ["x"], "employees": 3, "founded_year": 2001,
         "linkedin_url": "https://www.linkedin.com/company/acme", "stage": "seed"},
    ],
)
def test_schema_accepts_what_the_reader_accepts(row: dict[str, object]) -> None:
    jsonschema.validate(row, SCHEMA)
    company_from_row(row)


@pytest.mark.parametrize(
    "row",
    [
        {"domain": "acme.io"},
        {"name": "Acme"},
        {"name": "Acme", "domain": "acme.io", "employees": -1},
        {"name": "Acme", "domain": "acme.io", "founded_year": 1500},
        {"name": "Acme", "domain": "acme.io", "keywords": [1]},
    ],
)
def test_schema_refuses_what_the_reader_refuses(row: dict[str, object]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(row, SCHEMA)
    with pytest.raises(ValueError):
        company_from_row(row)
