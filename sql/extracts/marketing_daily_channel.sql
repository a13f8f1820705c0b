-- Extract for Looker Studio. Grain: one row per day and channel up to the run date. Column list is the extract's
-- contract: add columns at the end, never rename or reorder. is_complete / missing_sources: see the mart.
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
  cpa,
  is_complete,
  missing_sources
FROM marts.marketing_daily_channel
WHERE date <= @run_date
ORDER BY date, channel
