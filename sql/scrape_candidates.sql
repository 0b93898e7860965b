-- Scrape candidates: domains healthy on :day that have no successful scrape between :since and
-- :day, best health first. Parked pages and refused (private-address) domains are left out.
--
-- Parameters (named, the sql port's :name style):
--   :day        the health-check partition, 'YYYY-MM-DD'
--   :since      the oldest scrape that still counts, 'YYYY-MM-DD'
--   :min_score  the lowest health score kept (0-100)
WITH healthy AS (
    SELECT domain, MAX(score) AS score
    FROM silver_domain_health
    WHERE "date" = :day
      AND domain IS NOT NULL
      AND score >= :min_score
      AND NOT COALESCE(contains(flags, 'parked'), FALSE)
      AND NOT COALESCE(contains(flags, 'blocked_private_address'), FALSE)
    GROUP BY domain
),
scraped AS (
    SELECT DISTINCT domain
    FROM silver_scrape
    WHERE "date" BETWEEN :since AND :day
      AND status_code BETWEEN 200 AND 299
)
SELECT h.domain, h.score
FROM healthy AS h
LEFT JOIN scraped AS s ON s.domain = h.domain
WHERE s.domain IS NULL
ORDER BY h.score DESC, h.domain
