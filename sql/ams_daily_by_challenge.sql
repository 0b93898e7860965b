-- Average Match Score (AMS) of one day, per challenge: one row per challenge with an
-- impression, ordered by challenge_id.
--
-- Parameters (named, the sql port's :name style):
--   :day   the partition date as text, 'YYYY-MM-DD'
-- Table and definitions: as in ams_daily_overall.sql (tasks/ams/logic.py computes the same);
-- here the nearest-rank percentiles rank the scores within each challenge.
WITH shown AS (
    SELECT challenge_id, startup_id, score, "at"
    FROM shortlist_events
    WHERE "date" = :day
      AND action = 'shown'
      AND challenge_id IS NOT NULL
      AND startup_id IS NOT NULL
      AND "at" IS NOT NULL
      -- finite scores only: NaN and +-infinity fall outside this range on Trino and DuckDB
      -- alike (is_finite has no DuckDB spelling after transpiling)
      AND score BETWEEN -1.7976931348623157E308 AND 1.7976931348623157E308
),
latest AS (
    SELECT
        challenge_id,
        startup_id,
        score,
        ROW_NUMBER() OVER (
            PARTITION BY challenge_id, startup_id ORDER BY "at" DESC, score DESC
        ) AS pick,
        COUNT(*) OVER (PARTITION BY challenge_id, startup_id) AS repeats
    FROM shown
),
picked AS (
    SELECT DISTINCT challenge_id, startup_id
    FROM shortlist_events
    WHERE "date" = :day
      AND action = 'shortlisted'
      AND challenge_id IS NOT NULL
      AND startup_id IS NOT NULL
      AND "at" IS NOT NULL
),
ranked AS (
    SELECT
        l.challenge_id,
        l.score,
        l.repeats,
        p.challenge_id IS NOT NULL AS is_shortlisted,
        ROW_NUMBER() OVER (PARTITION BY l.challenge_id ORDER BY l.score) AS rn,
        COUNT(*) OVER (PARTITION BY l.challenge_id) AS n
    FROM latest AS l
    LEFT JOIN picked AS p
        ON p.challenge_id = l.challenge_id AND p.startup_id = l.startup_id
    WHERE l.pick = 1
)
SELECT
    challenge_id,
    COUNT(*) AS matches_shown,
    SUM(repeats) AS shown_events,
    COUNT_IF(is_shortlisted) AS shortlisted,
    CAST(COUNT_IF(is_shortlisted) AS DOUBLE) / COUNT(*) AS shortlist_rate,
    AVG(score) AS ams,
    MIN(score) AS score_min,
    MAX(score) AS score_max,
    MIN(CASE WHEN rn * 100 >= 50 * n THEN score END) AS p50,
    MIN(CASE WHEN rn * 100 >= 90 * n THEN score END) AS p90,
    MIN(CASE WHEN rn * 100 >= 99 * n THEN score END) AS p99
FROM ranked
GROUP BY challenge_id
ORDER BY challenge_id
