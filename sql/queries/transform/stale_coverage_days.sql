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
-- - a connector owes an account's day now and did not then (a longer initialDays), or did and does no more (its
--   history landed, a day of no delivery among it): the account's rows of the owed days (unified.ad_performance,
--   from @owed_from_date, the first day owed, on: none when nothing is owed) decide, as in the model;
-- - a source the shop's settings now expect, or no longer expect (@expected_sources, a JSON array).
-- A day whose ad spend lacked an exchange rate (lacks_exchange_rate) stays not landed here: rates given later for
-- days before the window reach them with a full refresh.
-- The transform rebuilds these days' coverage and the marts that copy it (is_complete, missing_sources).
-- Reads one row per day and source, every run, the gaps between the exports (a few ranges) and, while a connector
-- owes history, the ad accounts' days from the first day owed.
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

coverage_gaps AS (
  -- As unified.source_coverage reads them: the days between a platform's first and last exported day that no
  -- export covers ({source, start, end}), and the days a connector still owes an account ({source, account, start,
  -- end}).
  SELECT
    JSON_VALUE(gap, '$.source') AS source,
    JSON_VALUE(gap, '$.account') AS account_id,
    CAST(JSON_VALUE(gap, '$.start') AS DATE) AS gap_start,
    CAST(JSON_VALUE(gap, '$.end') AS DATE) AS gap_end
  FROM UNNEST(JSON_QUERY_ARRAY(@export_gaps)) AS gap
),

export_gaps AS (
  SELECT source, gap_start, gap_end
  FROM coverage_gaps
  WHERE account_id IS NULL
),

account_days_with_rows AS (
  -- The days before the window each ad account has a row dated, from the first day owed.
  SELECT DISTINCT platform AS source, account_id, date
  FROM unified.ad_performance
  WHERE date >= @owed_from_date
    AND date < @window_start
),

owed_days_without_rows AS (
  -- The days before the window a connector owes an account that has no row dated that day.
  SELECT DISTINCT owed.source, day AS date
  FROM coverage_gaps AS owed
  CROSS JOIN UNNEST(GENERATE_DATE_ARRAY(
    owed.gap_start, LEAST(owed.gap_end, DATE_SUB(@window_start, INTERVAL 1 DAY))
  )) AS day
  LEFT JOIN account_days_with_rows
    ON account_days_with_rows.source = owed.source
    AND account_days_with_rows.account_id = owed.account_id
    AND account_days_with_rows.date = day
  WHERE owed.account_id IS NOT NULL
    AND owed.gap_start < @window_start
    AND account_days_with_rows.date IS NULL
),

coverage_now AS (
  -- Each older day and source as stored, and whether a full rebuild would now say the source had landed: through
  -- its newest landed day, but for a gap between its exports and a day a connector owes an account without its row.
  SELECT
    coverage.date,
    coverage.source,
    coverage.is_expected,
    coverage.has_landed,
    COALESCE(coverage.date <= last_landed_days.last_landed_date, FALSE)
    AND NOT (export_gaps.source IS NOT NULL AND NOT coverage.has_rows)
    AND owed_days_without_rows.source IS NULL
    AND NOT coverage.lacks_exchange_rate AS landed_now
  FROM coverage
  LEFT JOIN last_landed_days ON last_landed_days.source = coverage.source
  LEFT JOIN export_gaps
    ON export_gaps.source = coverage.source
    AND coverage.date BETWEEN export_gaps.gap_start AND export_gaps.gap_end
  LEFT JOIN owed_days_without_rows
    ON owed_days_without_rows.source = coverage.source AND owed_days_without_rows.date = coverage.date
  WHERE coverage.date < @window_start
)

SELECT DISTINCT date AS day
FROM coverage_now
WHERE has_landed != landed_now
  OR is_expected != (source IN UNNEST(JSON_VALUE_ARRAY(@expected_sources)))
ORDER BY day
