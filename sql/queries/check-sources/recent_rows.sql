-- One source's rows extracted since the day before @history_start_date (the raw tables' partition column), per
-- event day: how many were loaded within @landed_within_hours of the day's start (the volume check's series), and
-- the newest event day and load time among all of them (the freshness check). One scan answers both: they read
-- the same partitions. A day's rows are never extracted before the day begins, so when the newest event day found
-- here is @history_start_date or later it is the newest of all history, and the newest load time is exact whenever
-- anything was found; otherwise check-sources reads freshness_all_history.sql. Days before @history_start_date come
-- back too (orders landed again when they change) and the caller leaves them out of the series: one row per day
-- with a row extracted since, at most the days of history. A template: its table and event_date slots are one
-- declared source's (functions/shared/sources.ts).
WITH

recent_rows AS (
  SELECT
    {{event_date}} AS day,
    _airbyte_extracted_at
  FROM {{table}}
  WHERE _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@history_start_date), INTERVAL 1 DAY)
),

days AS (
  SELECT
    day,
    COUNTIF(_airbyte_extracted_at < TIMESTAMP_ADD(TIMESTAMP(day), INTERVAL @landed_within_hours HOUR)) AS landed_rows,
    MAX(_airbyte_extracted_at) AS last_loaded_at
  FROM recent_rows
  GROUP BY day
)

SELECT
  day,
  landed_rows,
  MAX(day) OVER () AS source_last_event_date,
  MAX(last_loaded_at) OVER () AS source_last_loaded_at
FROM days
