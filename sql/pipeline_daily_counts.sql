-- What one daily run produced, stage by stage: exactly one row.
--
-- Parameters (named, the sql port's :name style):
--   :day         the partition, 'YYYY-MM-DD'
--   :min_health  the health score from which a domain counts as healthy (0-100)
SELECT
    :day AS partition_date,
    (SELECT COUNT(*) FROM bronze_apollo_companies WHERE "date" = :day) AS companies_pulled,
    (SELECT COUNT(*) FROM bronze_imported_companies WHERE "date" = :day) AS companies_imported,
    (SELECT COUNT(DISTINCT domain) FROM silver_domain_health WHERE "date" = :day)
        AS domains_checked,
    (SELECT COUNT(DISTINCT domain) FROM silver_domain_health
     WHERE "date" = :day AND score >= :min_health) AS domains_healthy,
    (SELECT COUNT(*) FROM silver_scrape
     WHERE "date" = :day AND status_code BETWEEN 200 AND 299) AS pages_scraped,
    (SELECT COUNT(*) FROM silver_companies WHERE "date" = :day) AS companies_curated,
    (SELECT COUNT(*) FROM embeddings WHERE "date" = :day) AS companies_embedded,
    (SELECT COALESCE(SUM(token_count), 0) FROM embeddings WHERE "date" = :day) AS tokens_embedded
