-- Rows that earlier file drops of the same kind landed for the days a new drop covers, which it replaces.
-- A template: its table and event_date slots are the drop's raw table and its source's event day
-- (functions/shared/sources.ts).
-- An export holding a day was made after that day began, so every such row was landed (extracted) after the day
-- before the drop's first day: the raw table's partition column bounds the scan to those days (on BigQuery the
-- partitions read, locally the row groups), and a drop of recent days costs the same in a shop's tenth year.
SELECT COUNT(*) AS row_count
FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(_airbyte_meta, '$.kind') = @kind
  AND JSON_VALUE(_airbyte_meta, '$.sha256') != @sha256
  AND {{event_date}} BETWEEN @period_start_date AND @period_end_date
