-- grain: one row per month and channel: shares of spend, orders, revenue
-- key: month, channel
-- partition: month (month)
-- cluster: channel
-- materialization: partitions
--
-- One row per month and channel: each channel's share of the month's spend, orders and revenue.
WITH

channel_months AS (
  SELECT month, channel, spend, attributed_orders, attributed_revenue
  FROM marts.marketing_monthly_performance
  WHERE month BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
)

SELECT
  month,
  channel,
  spend,
  attributed_orders,
  attributed_revenue,
  ROUND(SAFE_DIVIDE(spend, SUM(spend) OVER (PARTITION BY month)), 4) AS spend_share,
  ROUND(SAFE_DIVIDE(attributed_orders, SUM(attributed_orders) OVER (PARTITION BY month)), 4) AS orders_share,
  ROUND(SAFE_DIVIDE(attributed_revenue, SUM(attributed_revenue) OVER (PARTITION BY month)), 4) AS revenue_share
FROM channel_months
