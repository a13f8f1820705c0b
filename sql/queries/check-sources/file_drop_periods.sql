-- The days each loaded file drop covers (its period), for the drops whose period reaches into
-- [@history_start_date, @run_date]: an ad export replaces what earlier exports landed for exactly those days, and a
-- day between two exports that no export covers is a gap check-sources reports. One row per file ever dropped:
-- a small table, read whole.
SELECT raw_table, period_start, period_end
FROM ops.file_drops
WHERE status = 'loaded'
  AND period_start IS NOT NULL
  AND period_end IS NOT NULL
  AND period_start <= @run_date
  AND period_end >= @history_start_date
ORDER BY raw_table, period_start
