-- Match candidates: the latest curated row of each company seen between :since and :day that
-- passes the filters, healthiest and richest first (the matcher's filter step, for analysis).
--
-- Parameters (named, the sql port's :name style):
--   :since, :day  the partition range, 'YYYY-MM-DD'
--   :industry     the industry to keep (case-insensitive), or NULL for any
--   :country      the country to keep (case-insensitive), or NULL for any
--   :min_health   the lowest health_score kept (0-100)
--   :max_rows     how many rows to return
WITH latest AS (
    SELECT
        id,
        name,
        domain,
        industry,
        country,
        health_score,
        richness,
        "date" AS seen_on,
        ROW_NUMBER() OVER (PARTITION BY id ORDER BY "date" DESC, updated_at DESC) AS pick
    FROM silver_companies
    WHERE "date" BETWEEN :since AND :day
      AND id IS NOT NULL
)
SELECT
    id AS startup_id,
    name,
    domain,
    industry,
    country,
    health_score,
    richness,
    seen_on
FROM latest
WHERE pick = 1
  AND (:industry IS NULL OR lower(industry) = lower(:industry))
  AND (:country IS NULL OR lower(country) = lower(:country))
  AND COALESCE(health_score, 0) >= :min_health
ORDER BY health_score DESC NULLS LAST, richness DESC NULLS LAST, startup_id
LIMIT :max_rows
