-- When each ad account's day of the run window last landed by the platform's API (the connector or Airbyte) and
-- from each dropped export, in one of an ad platform's raw tables: staging counts, per account and day, the newest
-- landing's rows whole (the API's on a tie), so an export landed before the API's rows of its days no longer counts,
-- which check-sources tells the shop (functions/check-sources/overridden-exports.ts). A template: its table,
-- event_date and column (the table's account column, functions/lib/ad-export-accounts.ts) slots are one declared
-- ad platform's. One row per account, day and landing (the API, or one export file): a few rows a day. Only rows
-- extracted from the day before the window on are read (the raw tables' partition column), as staging reads them.
WITH

landed_rows AS (
  SELECT
    {{event_date}} AS day,
    CAST({{column}} AS STRING) AS account,
    COALESCE(JSON_VALUE(_airbyte_meta, '$.source') = 'file', FALSE) AS from_file,
    _airbyte_meta,
    _airbyte_extracted_at
  FROM {{table}}
  WHERE {{event_date}} BETWEEN @window_start AND @window_end
    AND _airbyte_extracted_at >= TIMESTAMP(DATE_SUB(@window_start, INTERVAL 1 DAY))
),

landings AS (
  SELECT
    day,
    account,
    from_file,
    -- The export's file name as dropped (ingest keeps it in _airbyte_meta); NULL for the API's rows.
    IF(from_file, COALESCE(JSON_VALUE(_airbyte_meta, '$.file'), ''), NULL) AS file_name,
    _airbyte_extracted_at
  FROM landed_rows
)

SELECT
  day,
  account,
  from_file,
  file_name,
  MAX(_airbyte_extracted_at) AS landed_at
FROM landings
GROUP BY day, account, from_file, file_name
ORDER BY day, account
