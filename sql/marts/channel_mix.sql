-- grain: one row per month and channel: shares of spend, orders, revenue
-- key: month, channel
-- partition: month (month)
-- cluster: channel
-- materialization: partitions
--
-- One row per month and channel: each channel's share of the month's spend, orders and revenue.
-- incomplete_days counts the month's days on which any channel's source had not landed
-- (marts.marketing_daily_channel.is_complete): every share of such a month is incomplete, since its total is.
WITH

channel_months AS (
  SELECT month, channel, spend, attributed_orders, attributed_revenue
  FROM marts.marketing_monthly_performance
  WHERE month BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
),

month_completeness AS (
  SELECT
    DATE_TRUNC(date, MONTH) AS month,
    COUNT(DISTINCT IF(COALESCE(is_complete, TRUE), NULL, date)) AS incomplete_days
  FROM marts.marketing_daily_channel
  WHERE date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
  GROUP BY month
)

SELECT
  channel_months.month,
  channel,
  spend,
  attributed_orders,
  attributed_revenue,
  ROUND(
    SAFE_DIVIDE(CAST(spend AS NUMERIC), CAST(SUM(spend) OVER (PARTITION BY channel_months.month) AS NUMERIC)), 4
  ) AS spend_share,
  CAST(
    ROUND(
      SAFE_DIVIDE(
        CAST(attributed_orders AS NUMERIC),
        CAST(SUM(attributed_orders) OVER (PARTITION BY channel_months.month) AS NUMERIC)
      ),
      4
    ) AS FLOAT64
  ) AS orders_share,
  ROUND(
    SAFE_DIVIDE(
      CAST(attributed_revenue AS NUMERIC),
      CAST(SUM(attributed_revenue) OVER (PARTITION BY channel_months.month) AS NUMERIC)
    ),
    4
  ) AS revenue_share,
  COALESCE(month_completeness.incomplete_days, 0) AS incomplete_days,
  COALESCE(month_completeness.incomplete_days, 0) = 0 AS is_complete
FROM channel_months
LEFT JOIN month_completeness ON month_completeness.month = channel_months.month
