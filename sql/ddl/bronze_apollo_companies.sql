-- New and changed companies from Apollo, one row per company and page.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `bronze_apollo_companies` (
  `id` string,
  `name` string,
  `domain` string,
  `description` string,
  `industry` string,
  `country` string,
  `city` string,
  `keywords` array<string>,
  `employees` bigint,
  `founded_year` int,
  `linkedin_url` string,
  `extra` map<string,string>,
  `source` string,
  `content_hash` string,
  `change` string,
  `slice_id` string,
  `pass` int,
  `page` int,
  `run_id` string
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/bronze/apollo_companies/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/bronze/apollo_companies/date=${date}/',
  'classification' = 'parquet'
)
