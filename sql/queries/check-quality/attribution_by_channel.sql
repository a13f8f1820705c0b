-- Per paid channel over the attribution window: days with spend, and the days (and spend) with no attributed revenue.
SELECT
  channel,
  COUNTIF(spend > 0) AS days_with_spend,
  COUNTIF(spend > 0 AND attributed_revenue = 0) AS days_spend_without_revenue,
  SUM(IF(spend > 0 AND attributed_revenue = 0, spend, 0)) AS spend_without_revenue,
  MIN(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS first_day,
  MAX(IF(spend > 0 AND attributed_revenue = 0, date, NULL)) AS last_day
FROM marts.marketing_daily_channel
WHERE date BETWEEN @window_start AND @run_date
  AND channel IN (SELECT channel FROM staging.channels WHERE is_paid_channel)
GROUP BY channel
ORDER BY channel
