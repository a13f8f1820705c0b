-- Rows that earlier file drops of the same kind landed for the days a new drop covers, which it replaces.
-- A template: its table and event_date slots are the drop's raw table and its source's event day
-- (functions/shared/sources.ts), its column slot the table's account column (functions/ingest/ads.ts).
-- An export holding a day was made after that day began, so every such row was landed (extracted) after the day
-- before the drop's first day: the raw table's partition column bounds the scan to those days (on BigQuery the
-- partitions read, locally the row groups), and a drop of recent days costs the same in a shop's tenth year.
SELECT COUNT(*) AS row_count
FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@period_start_date, INTERVAL 1 DAY))
  AND JSON_VALUE(_airbyte_meta, '$.kind') = @kind
  AND JSON_VALUE(_airbyte_meta, '$.sha256') != @sha256
  AND {{event_date}} BETWEEN @period_start_date AND @period_end_date
  -- An export is its accounts' (a shop with two Meta ad accounts exports each on its own): it replaces those
  -- accounts' rows, never another account's of the same days. An export without an account column carries
  -- @unnamed_account and may be any account's: it replaces, and is replaced by, every account's rows. The drop's
  -- own rows were all landed at @landed_at.
  AND (
    CAST({{column}} AS STRING) = @unnamed_account
    OR CAST({{column}} AS STRING) IN (
      SELECT CAST({{column}} AS STRING)
      FROM {{table}} AS dropped
      WHERE dropped._airbyte_extracted_at >= TIMESTAMP(@landed_at)
        AND JSON_VALUE(dropped._airbyte_meta, '$.sha256') = @sha256
    )
    OR @unnamed_account IN (
      SELECT CAST({{column}} AS STRING)
      FROM {{table}} AS dropped
      WHERE dropped._airbyte_extracted_at >= TIMESTAMP(@landed_at)
        AND JSON_VALUE(dropped._airbyte_meta, '$.sha256') = @sha256
    )
  )
