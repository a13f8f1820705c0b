-- Audit (blocking): marts.daily_kpis has exactly one row per day.
-- Table: marts.daily_kpis
-- Column: date
SELECT date, COUNT(*) AS copies
FROM marts.daily_kpis
WHERE date BETWEEN @window_start AND @window_end
GROUP BY date
HAVING COUNT(*) > 1
