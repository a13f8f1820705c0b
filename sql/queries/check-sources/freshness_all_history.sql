-- One source's newest event day and last load time over its whole history: the fallback of recent_rows.sql when
-- nothing of the source landed since @history_start_date (a source that stale reads all of it, once). A template: its
-- table and event_date slots are one declared source's (functions/shared/sources.ts).
SELECT
  MAX({{event_date}}) AS last_event_date,
  MAX(_airbyte_extracted_at) AS last_loaded_at
FROM {{table}}
-- The raw tables refuse a read without a filter on their partition column (require_partition_filter,
-- infra/bigquery.tf): this bound from HISTORY_START names it and still reads all of history, as this fallback must.
WHERE _airbyte_extracted_at >= TIMESTAMP('2000-01-01')
