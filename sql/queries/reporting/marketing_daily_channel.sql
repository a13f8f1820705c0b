-- The daily channel numbers of the report's channel history.
SELECT
  date, channel, spend, impressions, clicks, platform_conversions, platform_conversion_value,
  attributed_orders, attributed_revenue, roas
FROM marts.marketing_daily_channel
WHERE date BETWEEN @history_start_date AND @run_date
ORDER BY date, channel
