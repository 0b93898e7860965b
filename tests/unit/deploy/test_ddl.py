"""The Athena DDL: one CREATE EXTERNAL TABLE per dataset, columns from the writers' schemas."""

from __future__ import annotations

import pytest
import sqlglot
from sqlglot import exp

from thera_sdk.deploy import DATASETS, Dataset, ddl


@pytest.mark.parametrize("entry", DATASETS, ids=lambda d: d.name)
def test_ddl_parses_as_athena_with_the_dataset_columns(entry: Dataset) -> None:
    text = ddl(entry)
    # GIVEN the DDL without its comments, as Athena reads it
    statement = sqlglot.parse_one(text, read="athena")
    # THEN it creates the table with the columns of the dataset's schema, partitioned by date
    assert isinstance(statement, exp.Create)
    columns = [c.name for c in statement.find_all(exp.ColumnDef)]
    assert columns == [*entry.schema.names, "date"]
    assert "PARTITIONED BY (`date` string)" in text
    assert (
        f"'storage.location.template' = 's3://${{DataBucket}}/{entry.prefix}date=${{date}}/'"
        in text
    )


def test_provisional_datasets_say_so() -> None:
    for entry in DATASETS:
        assert ("Provisional" in ddl(entry)) == entry.provisional
