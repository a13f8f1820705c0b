-- grain: one row per day and channel, with ratios
-- key: date, channel
-- partition: date (day)
-- cluster: channel
-- materialization: partitions
--
-- One row per day and channel: marketing_unified with its efficiency ratios.
WITH

channel_days AS (
  SELECT *
  FROM unified.marketing_unified
  WHERE date BETWEEN @window_start AND @window_end
)

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
  ROUND(SAFE_DIVIDE(attributed_revenue, spend), 4) AS roas,
  ROUND(SAFE_DIVIDE(clicks, impressions), 6) AS ctr,
  ROUND(SAFE_DIVIDE(spend, clicks), 4) AS cpc,
  ROUND(SAFE_DIVIDE(spend, attributed_orders), 2) AS cpa
FROM channel_days
