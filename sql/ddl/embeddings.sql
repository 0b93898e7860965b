-- One embedding per new or changed company.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `embeddings` (
  `id` string,
  `model` string,
  `dim` int,
  `vector` array<float>,
  `content_hash` string,
  `token_count` bigint
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/embeddings/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/embeddings/date=${date}/',
  'classification' = 'parquet'
)
