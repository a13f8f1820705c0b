-- One source's raw rows whose event day is the run date. A template: its table and event_date slots are one
-- declared source's (functions/shared/sources.ts).
-- A day's rows are extracted after the day began: the raw table's partition column bounds the scan to the last
-- days (on BigQuery the partitions read, locally the row groups), so the count does not grow with history.
SELECT COUNT(*) AS row_count
FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@run_date, INTERVAL 1 DAY))
  AND {{event_date}} = @run_date
