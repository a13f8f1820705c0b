-- One source's raw rows whose event day is the run date. A template: its table and event_date slots are one
-- declared source's (functions/shared/sources.ts).
SELECT COUNT(*) AS row_count
FROM {{table}}
WHERE {{event_date}} = @run_date
