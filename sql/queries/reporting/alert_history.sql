-- The email's memory of alerts: which warning and critical findings (by check and subject) were recorded on each
-- run date from @history_start_date up to the day before @run_date. Each run replaces its own run date's rows in
-- ops.findings, so a re-run of a day never adds a day to a streak.
SELECT DISTINCT
  run_date,
  check_name,
  subject
FROM ops.findings
WHERE run_date >= @history_start_date
  AND run_date < @run_date
  AND severity IN ('warning', 'critical')
ORDER BY run_date, check_name, subject
