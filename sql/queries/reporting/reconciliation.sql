-- The reconciliation scoreboard of the run date (ops.reconciliation, written by check-sources): each source,
-- account and metric, the API's total against the warehouse's over the window, MATCH or MISMATCH, and an amount's
-- currency (an ad account's own; NULL in rows written before it was kept: the shop's).
SELECT
  CAST(window_start AS STRING) AS window_start,
  CAST(window_end AS STRING) AS window_end,
  source, account_id, metric, api_value, warehouse_value, difference, relative_difference, status, currency
FROM ops.reconciliation
WHERE run_date = @run_date
ORDER BY source, account_id, metric
