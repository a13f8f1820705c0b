-- The days before the run window whose source coverage (unified.source_coverage) a full rebuild would now give
-- otherwise. A daily run rebuilds the coverage of its window only, and an older day's rows keep what was known
-- when they were built:
-- - a source had not landed through the day, and has landed that day or a later one since (a platform back after
--   an outage longer than the window, without the missing days). has_landed means "the source's newest day is
--   this day or later", so a day not landed before a landed one is out of date, unless it is a gap between the
--   exports of a platform that arrives as exports (below): such a day stays not landed;
-- - the exports now cover a day otherwise (@export_gaps, as the model reads it): a later export covers a day
--   between two exports that none covered (even one without a row, a day of no delivery), or an export of older
--   days puts a day with no row between the platform's first and last exported day. The day's own rows do not
--   change here: a row landed for an older day rebuilds that day as a late change, its has_rows with it;
-- - a source the shop's settings now expect, or no longer expect (@expected_sources, a JSON array).
-- A day whose ad spend lacked an exchange rate (lacks_exchange_rate) stays not landed here: rates given later for
-- days before the window reach them with a full refresh.
-- The transform rebuilds these days' coverage and the marts that copy it (is_complete, missing_sources).
-- Reads one row per day and source, every run, and the gaps between the exports (a few ranges).
WITH

coverage AS (
  SELECT date, source, is_expected, has_rows, has_landed, lacks_exchange_rate
  FROM unified.source_coverage
),

last_landed_days AS (
  SELECT source, MAX(date) AS last_landed_date
  FROM coverage
  WHERE has_landed
  GROUP BY source
),

export_gaps AS (
  -- The days between a platform's first and last exported day that no export covers, as ranges ({source, start,
  -- end}, from functions/transform/export-periods.ts; none for a platform with one export or none).
  SELECT
    JSON_VALUE(gap, '$.source') AS source,
    CAST(JSON_VALUE(gap, '$.start') AS DATE) AS gap_start,
    CAST(JSON_VALUE(gap, '$.end') AS DATE) AS gap_end
  FROM UNNEST(JSON_QUERY_ARRAY(@export_gaps)) AS gap
),

coverage_now AS (
  -- Each older day and source as stored, and whether a full rebuild would now say the source had landed: through
  -- its newest landed day, but for a gap between its exports.
  SELECT
    coverage.date,
    coverage.source,
    coverage.is_expected,
    coverage.has_landed,
    COALESCE(coverage.date <= last_landed_days.last_landed_date, FALSE)
    AND NOT (export_gaps.source IS NOT NULL AND NOT coverage.has_rows)
    AND NOT coverage.lacks_exchange_rate AS landed_now
  FROM coverage
  LEFT JOIN last_landed_days ON last_landed_days.source = coverage.source
  LEFT JOIN export_gaps
    ON export_gaps.source = coverage.source
    AND coverage.date BETWEEN export_gaps.gap_start AND export_gaps.gap_end
  WHERE coverage.date < @window_start
)

SELECT DISTINCT date AS day
FROM coverage_now
WHERE has_landed != landed_now
  OR is_expected != (source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)))
ORDER BY day
