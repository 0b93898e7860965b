-- Average Match Score per day from :since to :day, with its 7-day moving average.
--
-- Parameters (named, the sql port's :name style):
--   :since, :day  the partition range, 'YYYY-MM-DD'
SELECT
    "date" AS partition_date,
    matches_shown,
    challenges,
    shortlist_rate,
    ams,
    AVG(ams) OVER (ORDER BY "date" ROWS BETWEEN 6 PRECEDING AND CURRENT ROW) AS ams_7d
FROM ams_overall
WHERE "date" BETWEEN :since AND :day
ORDER BY "date"
