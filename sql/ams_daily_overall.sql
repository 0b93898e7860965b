-- Average Match Score (AMS) of one day, over every challenge: exactly one row.
--
-- Parameters (named, the sql port's :name style):
--   :day   the partition date as text, 'YYYY-MM-DD'
-- Table: shortlist_events (challenge_id string, startup_id string, score double, action string,
--   "at" timestamp), partitioned by "date" string (events/shortlist/date=YYYY-MM-DD/).
--
-- Definitions (tasks/ams/logic.py computes the same):
--   impression  one per (challenge_id, startup_id) shown that day, scored by its latest valid
--               'shown' event (greatest "at", then the higher score); valid means ids and "at"
--               not null and a finite score.
--   ams         mean impression score; pNN are nearest-rank percentiles: the k-th smallest score
--               with k = ceil(NN * n / 100), written as rn * 100 >= NN * n to stay in integers.
--               Exact on Athena and DuckDB alike (approx_percentile is deliberately not used).
--   shortlisted impressions whose pair also has a valid 'shortlisted' event the same day.
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
        ROW_NUMBER() OVER (ORDER BY l.score) AS rn,
        COUNT(*) OVER () AS n
    FROM latest AS l
    LEFT JOIN picked AS p
        ON p.challenge_id = l.challenge_id AND p.startup_id = l.startup_id
    WHERE l.pick = 1
)
SELECT
    COUNT(*) AS matches_shown,
    COUNT(DISTINCT challenge_id) AS challenges,
    COALESCE(SUM(repeats), 0) AS shown_events,
    COALESCE(COUNT_IF(is_shortlisted), 0) AS shortlisted,  -- DuckDB gives NULL on no rows
    CAST(COUNT_IF(is_shortlisted) AS DOUBLE) / NULLIF(COUNT(*), 0) AS shortlist_rate,
    AVG(score) AS ams,
    MIN(score) AS score_min,
    MAX(score) AS score_max,
    MIN(CASE WHEN rn * 100 >= 50 * n THEN score END) AS p50,
    MIN(CASE WHEN rn * 100 >= 90 * n THEN score END) AS p90,
    MIN(CASE WHEN rn * 100 >= 99 * n THEN score END) AS p99
FROM ranked
