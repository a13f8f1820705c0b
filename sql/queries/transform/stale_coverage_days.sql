-- The days before the run window whose source coverage (unified.source_coverage) a full rebuild would now give
-- otherwise. A daily run rebuilds the coverage of its window only, and an older day's rows keep what was known
-- when they were built:
-- - a source had not landed through the day, and has landed that day or a later one since (a platform back after
--   an outage longer than the window, without the missing days). has_landed means "the source's newest day is
--   this day or later", so a day not landed before a landed one is out of date;
-- - a source the shop's settings now expect, or no longer expect (@expected_sources, a JSON array).
-- The transform rebuilds these days' coverage and the marts that copy it (is_complete, missing_sources).
-- Reads one row per day and source, every run.
WITH

coverage AS (
  SELECT date, source, is_expected, has_landed
  FROM unified.source_coverage
),

last_landed_days AS (
  SELECT source, MAX(date) AS last_landed_date
  FROM coverage
  WHERE has_landed
  GROUP BY source
)

SELECT DISTINCT coverage.date AS day
FROM coverage
LEFT JOIN last_landed_days ON last_landed_days.source = coverage.source
WHERE coverage.date < @window_start
  AND (
    (NOT coverage.has_landed AND coverage.date < last_landed_days.last_landed_date)
    OR coverage.is_expected != (coverage.source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)))
  )
ORDER BY day
