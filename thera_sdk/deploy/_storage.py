"""DynamoDB tables and Glue tables, rendered from :data:`TABLES` and :data:`DATASETS`.

The buckets, the key, the Glue database and the Athena workgroup are static and live in
``cloudformation/base.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from thera_sdk.deploy._cfn import ref, stack_name, sub
from thera_sdk.deploy._datasets import Dataset
from thera_sdk.deploy._ddl import projection_properties
from thera_sdk.deploy._names import TableDef, table_logical_id
from thera_sdk.deploy._policies import KEY_ID

__all__ = ["glue_table_resources", "table_resources"]

_PARQUET = {
    "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
    "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
    "SerdeInfo": {
        "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    },
}


def _table(table: TableDef) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "TableName": stack_name(table.logical),
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": table.partition_key, "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": table.partition_key, "KeyType": "HASH"}],
        "SSESpecification": {
            "SSEEnabled": True,
            "SSEType": "KMS",
            "KMSMasterKeyId": ref(KEY_ID),
        },
        "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": table.point_in_time_recovery
        },
        "DeletionProtectionEnabled": table.retain,
    }
    if table.ttl_attribute:
        properties["TimeToLiveSpecification"] = {
            "AttributeName": table.ttl_attribute,
            "Enabled": True,
        }
    resource: dict[str, Any] = {"Type": "AWS::DynamoDB::Table", "Properties": properties}
    if table.retain:
        resource["DeletionPolicy"] = "Retain"
        resource["UpdateReplacePolicy"] = "Retain"
    return resource


def table_resources(tables: Sequence[TableDef]) -> dict[str, Any]:
    """The DynamoDB tables, on demand, encrypted with the stack key, with TTL and PITR."""
    return {table_logical_id(t.logical): _table(t) for t in tables}


def _glue_table(entry: Dataset) -> dict[str, Any]:
    location = f"s3://${{DataBucket}}/{entry.prefix}"
    parameters = {
        key: sub(value.replace("${date}", "${!date}")) if "${" in value else value
        for key, value in projection_properties(location).items()
    }
    parameters["EXTERNAL"] = "TRUE"
    return {
        "Type": "AWS::Glue::Table",
        "Properties": {
            "CatalogId": ref("AWS::AccountId"),
            "DatabaseName": ref("GlueDatabase"),
            "TableInput": {
                "Name": entry.name,
                "Description": entry.description,
                "TableType": "EXTERNAL_TABLE",
                "Parameters": parameters,
                "PartitionKeys": [{"Name": "date", "Type": "string"}],
                "StorageDescriptor": {
                    "Columns": [{"Name": name, "Type": kind} for name, kind in entry.columns],
                    "Location": sub(location),
                    **_PARQUET,
                },
            },
        },
    }


def glue_table_resources(datasets: Sequence[Dataset]) -> dict[str, Any]:
    """One Glue table per dataset, with ``date`` partition projection."""
    resources = {}
    for entry in datasets:
        words = entry.name.split("_")
        resources["".join(w.capitalize() for w in words) + "GlueTable"] = _glue_table(entry)
    return resources
