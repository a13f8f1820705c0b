-- The days before the run window whose source coverage (unified.source_coverage) a full rebuild would now give
-- otherwise. A daily run rebuilds the coverage of its window only, and an older day's rows keep what was known
-- when they were built:
-- - a source had not landed through the day, and has landed that day or a later one since (a platform back after
--   an outage longer than the window, without the missing days). has_landed means "the source's newest day is
--   this day or later", so a day not landed before a landed one is out of date, unless it is a gap between the
--   exports of a platform that arrives as exports (below): such a day stays not landed;
-- - the exports now cover a day otherwise (@export_periods, as the model reads it): a later export covers a day
--   between two exports that none covered (even one without a row, a day of no delivery), or an export of older
--   days puts a day with no row between the platform's first and last exported day. The day's own rows do not
--   change here: a row landed for an older day rebuilds that day as a late change, its has_rows with it;
-- - a source the shop's settings now expect, or no longer expect (@expected_sources, a JSON array).
-- The transform rebuilds these days' coverage and the marts that copy it (is_complete, missing_sources).
-- Reads one row per day and source, every run, and the exports' periods (a few ranges).
WITH

coverage AS (
  SELECT date, source, is_expected, has_rows, has_landed
  FROM unified.source_coverage
),

last_landed_days AS (
  SELECT source, MAX(date) AS last_landed_date
  FROM coverage
  WHERE has_landed
  GROUP BY source
),

export_periods AS (
  SELECT
    JSON_VALUE(period, '$.source') AS source,
    CAST(JSON_VALUE(period, '$.start') AS DATE) AS period_start,
    CAST(JSON_VALUE(period, '$.end') AS DATE) AS period_end
  FROM UNNEST(JSON_QUERY_ARRAY(@export_periods)) AS period
),

exported_spans AS (
  SELECT source, MIN(period_start) AS first_date, MAX(period_end) AS last_date
  FROM export_periods
  GROUP BY source
),

exported_days AS (
  -- The days before the window an export covers, per platform.
  SELECT DISTINCT export_periods.source, day AS date
  FROM export_periods
  CROSS JOIN
    UNNEST(
      GENERATE_DATE_ARRAY(
        export_periods.period_start,
        LEAST(export_periods.period_end, DATE_SUB(@window_start, INTERVAL 1 DAY))
      )
    ) AS day
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
    AND NOT (
      COALESCE(coverage.date BETWEEN exported_spans.first_date AND exported_spans.last_date, FALSE)
      AND exported_days.date IS NULL
      AND NOT coverage.has_rows
    ) AS landed_now
  FROM coverage
  LEFT JOIN last_landed_days ON last_landed_days.source = coverage.source
  LEFT JOIN exported_spans ON exported_spans.source = coverage.source
  LEFT JOIN exported_days ON exported_days.source = coverage.source AND exported_days.date = coverage.date
  WHERE coverage.date < @window_start
)

SELECT DISTINCT date AS day
FROM coverage_now
WHERE has_landed != landed_now
  OR is_expected != (source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)))
ORDER BY day
