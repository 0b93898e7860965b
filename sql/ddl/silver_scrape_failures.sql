-- Domains that could not be scraped, with the reason.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `silver_scrape_failures` (
  `domain` string,
  `url` string,
  `reason` string,
  `message` string,
  `retryable` boolean,
  `backend` string,
  `failed_at` string
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/silver/scrape_failures/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/silver/scrape_failures/date=${date}/',
  'classification' = 'parquet'
)
