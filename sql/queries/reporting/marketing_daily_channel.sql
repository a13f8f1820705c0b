-- The daily channel numbers of the report's channel history. A paid channel's day whose ad platform had not
-- landed carries NULL platform numbers in the mart; the report reads them as it always has (0 spend next to the
-- day's attributed orders, no row at all when nothing was attributed) and marks the missing platform itself.
SELECT
  date, channel,
  COALESCE(spend, 0) AS spend,
  COALESCE(impressions, 0) AS impressions,
  COALESCE(clicks, 0) AS clicks,
  COALESCE(platform_conversions, 0) AS platform_conversions,
  COALESCE(platform_conversion_value, 0) AS platform_conversion_value,
  attributed_orders, attributed_revenue, roas
FROM marts.marketing_daily_channel
WHERE date BETWEEN @history_start_date AND @run_date
  AND (spend IS NOT NULL OR attributed_orders > 0)
ORDER BY date, channel
