-- Data-quality checks of one day: one row per (check, table); it passes when failed_rows = 0.
--
-- Parameters (named, the sql port's :name style):
--   :day          the partition checked, 'YYYY-MM-DD'
--   :fresh_since  the oldest partition that still counts as fresh, 'YYYY-MM-DD' (e.g. :day - 1)
--
-- Checks:
--   null_keys      rows without their key (id, domain, challenge_id/startup_id)
--   duplicate_ids  extra rows for a key that must be unique within the day's partition
--   domain_format  domains that are not lowercase host names with a dot (no scheme, path, port)
--   score_range    scores outside their range (match score 0-1, health 0-100, richness >= 0)
--   freshness      1 when the table has no partition between :fresh_since and :day
WITH checks AS (
    SELECT 'null_keys' AS check_name, 'bronze_apollo_companies' AS table_name,
           COUNT_IF(id IS NULL OR id = '') AS failed_rows
    FROM bronze_apollo_companies WHERE "date" = :day
    UNION ALL
    SELECT 'null_keys', 'bronze_imported_companies', COUNT_IF(id IS NULL OR id = '')
    FROM bronze_imported_companies WHERE "date" = :day
    UNION ALL
    SELECT 'null_keys', 'silver_companies', COUNT_IF(id IS NULL OR id = '')
    FROM silver_companies WHERE "date" = :day
    UNION ALL
    SELECT 'null_keys', 'silver_domain_health', COUNT_IF(domain IS NULL OR domain = '')
    FROM silver_domain_health WHERE "date" = :day AND status = 'checked'
    UNION ALL
    SELECT 'null_keys', 'silver_scrape', COUNT_IF(domain IS NULL OR domain = '')
    FROM silver_scrape WHERE "date" = :day
    UNION ALL
    SELECT 'null_keys', 'embeddings', COUNT_IF(id IS NULL OR id = '')
    FROM embeddings WHERE "date" = :day
    UNION ALL
    SELECT 'null_keys', 'shortlist_events',
           COUNT_IF(challenge_id IS NULL OR startup_id IS NULL OR "at" IS NULL)
    FROM shortlist_events WHERE "date" = :day
    UNION ALL
    SELECT 'duplicate_ids', 'silver_companies', COALESCE(SUM(n - 1), 0)
    FROM (SELECT id, COUNT(*) AS n FROM silver_companies
          WHERE "date" = :day AND id IS NOT NULL GROUP BY id) AS keyed
    UNION ALL
    SELECT 'duplicate_ids', 'silver_domain_health', COALESCE(SUM(n - 1), 0)
    FROM (SELECT domain, COUNT(*) AS n FROM silver_domain_health
          WHERE "date" = :day AND domain IS NOT NULL GROUP BY domain) AS keyed
    UNION ALL
    SELECT 'duplicate_ids', 'embeddings', COALESCE(SUM(n - 1), 0)
    FROM (SELECT id, COUNT(*) AS n FROM embeddings
          WHERE "date" = :day AND id IS NOT NULL GROUP BY id) AS keyed
    UNION ALL
    SELECT 'duplicate_ids', 'ams_challenges', COALESCE(SUM(n - 1), 0)
    FROM (SELECT challenge_id, COUNT(*) AS n FROM ams_challenges
          WHERE "date" = :day GROUP BY challenge_id) AS keyed
    UNION ALL
    SELECT 'domain_format', 'bronze_apollo_companies',
           COUNT_IF(NOT regexp_like(domain,
               '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z][a-z0-9-]{0,61}[a-z0-9]$'))
    FROM bronze_apollo_companies WHERE "date" = :day AND domain IS NOT NULL AND domain <> ''
    UNION ALL
    SELECT 'domain_format', 'bronze_imported_companies',
           COUNT_IF(NOT regexp_like(domain,
               '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z][a-z0-9-]{0,61}[a-z0-9]$'))
    FROM bronze_imported_companies WHERE "date" = :day AND domain IS NOT NULL AND domain <> ''
    UNION ALL
    SELECT 'domain_format', 'silver_companies',
           COUNT_IF(NOT regexp_like(domain,
               '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z][a-z0-9-]{0,61}[a-z0-9]$'))
    FROM silver_companies WHERE "date" = :day AND domain IS NOT NULL AND domain <> ''
    UNION ALL
    SELECT 'domain_format', 'silver_domain_health',
           COUNT_IF(NOT regexp_like(domain,
               '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+[a-z][a-z0-9-]{0,61}[a-z0-9]$'))
    FROM silver_domain_health WHERE "date" = :day AND domain IS NOT NULL
    UNION ALL
    SELECT 'score_range', 'shortlist_events',
           COUNT_IF(score IS NULL OR is_nan(score) OR score < 0 OR score > 1)
    FROM shortlist_events WHERE "date" = :day AND action = 'shown'
    UNION ALL
    SELECT 'score_range', 'silver_domain_health', COUNT_IF(score < 0 OR score > 100)
    FROM silver_domain_health WHERE "date" = :day
    UNION ALL
    SELECT 'score_range', 'silver_companies',
           COUNT_IF(health_score < 0 OR health_score > 100 OR richness < 0)
    FROM silver_companies WHERE "date" = :day
    UNION ALL
    SELECT 'score_range', 'ams_overall', COUNT_IF(ams < 0 OR ams > 1)
    FROM ams_overall WHERE "date" = :day
    UNION ALL
    SELECT 'freshness', 'bronze_companies', IF(COUNT(*) = 0, 1, 0)
    FROM (SELECT id FROM bronze_apollo_companies WHERE "date" BETWEEN :fresh_since AND :day
          UNION ALL
          SELECT id FROM bronze_imported_companies WHERE "date" BETWEEN :fresh_since AND :day)
         AS pulled
    UNION ALL
    SELECT 'freshness', 'silver_companies', IF(COUNT(*) = 0, 1, 0)
    FROM silver_companies WHERE "date" BETWEEN :fresh_since AND :day
    UNION ALL
    SELECT 'freshness', 'embeddings', IF(COUNT(*) = 0, 1, 0)
    FROM embeddings WHERE "date" BETWEEN :fresh_since AND :day
    UNION ALL
    SELECT 'freshness', 'ams_overall', IF(COUNT(*) = 0, 1, 0)
    FROM ams_overall WHERE "date" BETWEEN :fresh_since AND :day
)
SELECT check_name, table_name, CAST(failed_rows AS BIGINT) AS failed_rows
FROM checks
ORDER BY check_name, table_name
