-- Domain health checks: score 0-100, flags and evidence.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `silver_domain_health` (
  `input` string,
  `domain` string,
  `url` string,
  `status` string,
  `score` int,
  `flags` array<string>,
  `evidence_json` string,
  `dns_status` string,
  `addresses` array<string>,
  `mx` array<string>,
  `http_status` int,
  `https_status` int,
  `final_url` string,
  `tls_valid` boolean,
  `tls_protocol` string,
  `tls_days_to_expiry` int,
  `title` string,
  `content_bytes` bigint,
  `text_chars` bigint,
  `error` string,
  `checked_at` timestamp,
  `elapsed_ms` double,
  `record_json` string
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/silver/domain_health/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/silver/domain_health/date=${date}/',
  'classification' = 'parquet'
)
