-- One source's newest event day and last load time, reading only the rows extracted since the day before
-- @recent_since_date (the raw tables' partition column): a day's rows are never extracted before the day begins, so
-- when the newest event day found here is @recent_since_date or later it is the newest of all history, and the
-- newest load time is exact whenever anything was found. Otherwise check-sources reads
-- freshness_all_history.sql. A template: its table and event_date slots are one declared source's
-- (functions/shared/sources.ts).
SELECT
  MAX({{event_date}}) AS last_event_date,
  MAX(_airbyte_extracted_at) AS last_loaded_at
FROM {{table}}
WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@recent_since_date), INTERVAL 1 DAY)
