-- Extract for Looker Studio. Grain: one row per day and channel up to the run date.
SELECT
  date,
  channel,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_revenue,
  roas,
  ctr,
  cpc,
  cpa
FROM marts.marketing_daily_channel
WHERE date <= @run_date
ORDER BY date, channel
