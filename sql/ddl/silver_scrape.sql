-- Scraped pages: markdown, title, description and richness.
-- Generated from thera_sdk/deploy/_datasets.py: `thera build --update-checked-in`.
CREATE EXTERNAL TABLE IF NOT EXISTS `silver_scrape` (
  `domain` string,
  `url` string,
  `final_url` string,
  `status_code` int,
  `title` string,
  `description` string,
  `markdown` string,
  `links` array<string>,
  `backend` string,
  `credits_used` int,
  `richness` int,
  `richness_text_length` bigint,
  `richness_headings` int,
  `richness_links` int,
  `richness_internal_links` int,
  `richness_product` boolean,
  `richness_pricing` boolean,
  `richness_team` boolean,
  `richness_customers` boolean,
  `scraped_at` string
)
PARTITIONED BY (`date` string)
STORED AS PARQUET
LOCATION 's3://${DataBucket}/silver/scrape/'
TBLPROPERTIES (
  'projection.enabled' = 'true',
  'projection.date.type' = 'date',
  'projection.date.format' = 'yyyy-MM-dd',
  'projection.date.range' = '2024-01-01,NOW',
  'projection.date.interval' = '1',
  'projection.date.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://${DataBucket}/silver/scrape/date=${date}/',
  'classification' = 'parquet'
)
