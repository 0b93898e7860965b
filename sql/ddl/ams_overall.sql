-- Daily Average Match Score over every challenge.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `ams_overall` (
  `matches_shown` bigint,
  `challenges` bigint,
  `shown_events` bigint,
  `shortlisted` bigint,
  `shortlist_rate` double,
  `ams` double,
  `score_min` double,
  `score_max` double,
  `p50` double,
  `p90` double,
  `p99` double
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/metrics/ams/overall/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/metrics/ams/overall/date=${date}/',
  'classification' = 'parquet'
)
