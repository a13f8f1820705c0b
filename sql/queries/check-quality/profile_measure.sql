-- Profile of one measure column: rows, NULLs, zeros and the sum per day over the history.
-- A template: functions/check-quality/profiles.ts fills the names from its declared targets.
SELECT
  {{date_column}} AS day,
  COUNT(*) AS row_count,
  COUNTIF({{column}} IS NULL) AS null_count,
  COUNTIF({{column}} = 0) AS zero_count,
  CAST(SUM({{column}}) AS FLOAT64) AS total
FROM {{table}}
WHERE {{date_column}} BETWEEN @history_start_date AND @run_date
GROUP BY day
ORDER BY day
