"""Athena DDL for the datasets: ``CREATE EXTERNAL TABLE`` with partition projection.

The same text is checked in under ``sql/ddl/`` (a test keeps it in step with the datasets) and is
what an operator runs to recreate a table by hand; the stack itself creates the tables through
Glue (``AWS::Glue::Table``) with the same columns and properties.
"""

from __future__ import annotations

from thera_sdk.deploy._datasets import Dataset

__all__ = ["PROJECTION_START", "ddl", "projection_properties"]

PROJECTION_START = "2024-01-01"  # the first day Athena enumerates; earlier partitions are ignored


def projection_properties(location: str) -> dict[str, str]:
    """Table properties that make Athena compute the ``date`` partitions instead of listing them.

    ``location`` is the table's ``s3://bucket/prefix/`` folder.

    Examples
    --------
    >>> projection_properties("s3://b/t/")["storage.location.template"]
    's3://b/t/date=${date}/'
    """
    return {
        "projection.enabled": "true",
        "projection.date.type": "date",
        "projection.date.format": "yyyy-MM-dd",
        "projection.date.range": f"{PROJECTION_START},NOW",
        "projection.date.interval": "1",
        "projection.date.interval.unit": "DAYS",
        "storage.location.template": location + "date=${date}/",
        "classification": "parquet",
    }


def ddl(entry: Dataset, bucket: str = "${DataBucket}") -> str:
    """The ``CREATE EXTERNAL TABLE`` statement of one dataset.

    ``bucket`` is written into ``LOCATION``; the checked-in files keep the ``${DataBucket}``
    placeholder, to be replaced with the stack's data bucket (see the stack outputs).

    Examples
    --------
    >>> from thera_sdk.deploy._datasets import dataset
    >>> print(ddl(dataset("ams_overall")).splitlines()[0])
    CREATE EXTERNAL TABLE IF NOT EXISTS `ams_overall` (
    """
    location = f"s3://{bucket}/{entry.prefix}"
    columns = ",\n".join(f"  `{name}` {kind}" for name, kind in entry.columns)
    properties = ",\n".join(
        f"  '{key}' = '{value}'" for key, value in projection_properties(location).items()
    )
    header = [f"-- {entry.description}"]
    if entry.provisional:
        header.append("-- Provisional: columns declared in thera_sdk/deploy/_datasets.py until the")
        header.append("-- writer of this dataset lands.")
    header.append(
        "-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`."
    )
    return (
        "\n".join(header)
        + f"\nCREATE EXTERNAL TABLE IF NOT EXISTS `{entry.name}` (\n{columns}\n)\n"
        + "PARTITIONED BY (`date` string)\n"
        + "STORED AS PARQUET\n"
        + f"LOCATION '{location}'\n"
        + f"TBLPROPERTIES (\n{properties}\n)\n"
    )
