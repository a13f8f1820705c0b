-- Extract for Looker Studio's data-quality page. Grain: one row per run date, source, account and metric: the
-- platform API's own total over the reconciliation window against the warehouse's (check-sources writes
-- ops.reconciliation). With reconciliation off the table may not exist: the export step then writes this
-- extract's header only, from its declaration (functions/shared/extract-schemas.ts).
SELECT
  run_date,
  window_start,
  window_end,
  source,
  account_id,
  metric,
  api_value,
  warehouse_value,
  difference,
  relative_difference,
  status,
  -- The days whose own difference is over the tolerance, largest first: [{"day", "api", "warehouse"}, …].
  TO_JSON_STRING(mismatched_days) AS mismatched_days,
  -- An ad account's amounts are in its own currency (a USD Meta account of a EUR shop); NULL for a count.
  currency,
  -- A demo run's rows are the generated demo shop's, never a real shop's (README, Your shop's data).
  @is_demo AS is_demo
FROM ops.reconciliation
WHERE run_date <= @run_date
ORDER BY run_date, source, account_id, metric
