-- Extract for Looker Studio's data-quality page. Grain: one row per run date, check and subject.
SELECT
  run_date,
  step,
  check_name,
  subject,
  severity,
  blocking,
  observed,
  expected,
  message,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM ops.findings
WHERE run_date <= @run_date
ORDER BY run_date, step, check_name, subject
