-- One source's rows per event day over the history, counting only the rows loaded within
-- @landed_within_hours of the day's start. A template: its table and event_date slots are one declared
-- source's (functions/shared/sources.ts). Only rows extracted from the day before @history_start_date on are read
-- (the raw tables' partition column): a day's rows are never extracted before the day begins.
SELECT day, COUNTIF(on_time) AS landed_rows
FROM (
  SELECT
    {{event_date}} AS day,
    _airbyte_extracted_at < TIMESTAMP_ADD(TIMESTAMP({{event_date}}), INTERVAL @landed_within_hours HOUR) AS on_time
  FROM {{table}}
  WHERE {{event_date}} BETWEEN @history_start_date AND @run_date
    -- The same rows, pruned to the load partitions that can hold an on-time row of those days (a day before the
    -- first for the time zones, and up to the last day's on-time limit): the raw tables are partitioned by load
    -- time, so the scan stays that of the days asked for, not of the whole table.
    AND _airbyte_extracted_at >= TIMESTAMP_SUB(TIMESTAMP(@history_start_date), INTERVAL 1 DAY)
    AND _airbyte_extracted_at < TIMESTAMP_ADD(
      TIMESTAMP_ADD(TIMESTAMP(@run_date), INTERVAL 1 DAY), INTERVAL @landed_within_hours HOUR
    )
) AS landed
GROUP BY day
ORDER BY day
