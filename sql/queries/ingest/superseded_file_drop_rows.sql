-- Rows that earlier file drops of the same kind landed for the days a new drop covers, which it replaces.
-- A template: its table and event_date slots are the drop's raw table and its source's event day
-- (functions/shared/sources.ts).
SELECT COUNT(*) AS row_count
FROM {{table}}
WHERE JSON_VALUE(_airbyte_meta, '$.kind') = @kind
  AND JSON_VALUE(_airbyte_meta, '$.sha256') != @sha256
  AND {{event_date}} BETWEEN @period_start_date AND @period_end_date
