-- Profile of one key or text column: rows and NULLs per day over the history.
-- A template: functions/check-quality/profiles.ts fills the names from its declared targets.
SELECT
  {{date_column}} AS day,
  COUNT(*) AS row_count,
  COUNTIF({{column}} IS NULL) AS null_count
FROM {{table}}
WHERE {{date_column}} BETWEEN @history_start_date AND @run_date
GROUP BY day
ORDER BY day
