-- What each embeddings run cost, in tokens and dollars.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `embedding_cost` (
  `run_at` string,
  `kind` string,
  `model` string,
  `documents` bigint,
  `deferred` bigint,
  `stopped_by` string,
  `tokens` bigint,
  `cost_usd` double,
  `price_per_1k` double,
  `budget_usd` double
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/metrics/embedding_cost/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/metrics/embedding_cost/date=${date}/',
  'classification' = 'parquet'
)
