-- The daily KPIs the anomaly detection judges, over the history.
SELECT date, orders, gross_revenue, aov
FROM marts.daily_kpis
WHERE date BETWEEN @history_start_date AND @run_date
ORDER BY date
