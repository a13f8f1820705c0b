-- Orders without a value over the run window, and the first and last day they happened.
SELECT
  COALESCE(SUM(orders_missing_value), 0) AS orders_missing_value,
  MIN(IF(orders_missing_value > 0, date, NULL)) AS first_day,
  MAX(IF(orders_missing_value > 0, date, NULL)) AS last_day
FROM marts.daily_kpis
WHERE date BETWEEN @window_start AND @window_end
