-- grain: one row per month and channel
-- key: month, channel
-- partition: month (month)
-- cluster: channel
-- materialization: partitions
--
-- One row per month and channel: spend, platform-reported and UTM-attributed results, and efficiency.
-- incomplete_days counts the month's days on which a source the channel's numbers need had not landed
-- (marts.marketing_daily_channel.is_complete): its spend, ROAS and CPA then count only what landed.
-- new_customer_cpa = spend ÷ attributed_new_customers and new_customer_roas = attributed_new_customer_revenue ÷
-- spend: the same ratios over the UTM-attributed first orders.
WITH

channel_days AS (
  SELECT *
  FROM unified.marketing_unified
  WHERE date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
),

channel_months AS (
  SELECT
    DATE_TRUNC(date, MONTH) AS month,
    channel,
    LOGICAL_OR(is_paid_channel) AS is_paid_channel,
    COUNT(DISTINCT date) AS days,
    SUM(spend) AS spend,
    SUM(impressions) AS impressions,
    SUM(clicks) AS clicks,
    -- FLOAT64: rounded as the days are (2 places), so the order rows are summed in never shows.
    CAST(ROUND(CAST(SUM(platform_conversions) AS NUMERIC), 2) AS FLOAT64) AS platform_conversions,
    SUM(platform_conversion_value) AS platform_conversion_value,
    SUM(attributed_orders) AS attributed_orders,
    SUM(attributed_new_customers) AS attributed_new_customers,
    SUM(attributed_revenue) AS attributed_revenue,
    SUM(attributed_new_customer_revenue) AS attributed_new_customer_revenue
  FROM channel_days
  GROUP BY month, channel
),

channel_completeness AS (
  SELECT
    DATE_TRUNC(date, MONTH) AS month,
    channel,
    COUNTIF(NOT COALESCE(is_complete, TRUE)) AS incomplete_days
  FROM marts.marketing_daily_channel
  WHERE date BETWEEN DATE_TRUNC(@window_start, MONTH) AND @window_end
  GROUP BY month, channel
)

SELECT
  channel_months.month,
  channel_months.channel,
  is_paid_channel,
  days,
  spend,
  impressions,
  clicks,
  platform_conversions,
  platform_conversion_value,
  attributed_orders,
  attributed_new_customers,
  attributed_revenue,
  ROUND(SAFE_DIVIDE(CAST(attributed_revenue AS NUMERIC), CAST(spend AS NUMERIC)), 4) AS roas,
  ROUND(SAFE_DIVIDE(CAST(platform_conversion_value AS NUMERIC), CAST(spend AS NUMERIC)), 4) AS platform_roas,
  -- Money ÷ count as NUMERIC, so a half-cent tie rounds away from zero on DuckDB as on BigQuery. NULL without spend,
  -- as new_customer_cpa: orders that cost nothing have no cost per order (a deck read $0.00 for a platform the shop
  -- buys no ads on).
  ROUND(SAFE_DIVIDE(CAST(IF(spend > 0, spend, NULL) AS NUMERIC), CAST(attributed_orders AS NUMERIC)), @currency_places)
    AS cpa,
  CAST(ROUND(SAFE_DIVIDE(CAST(clicks AS NUMERIC), CAST(impressions AS NUMERIC)), 6) AS FLOAT64) AS ctr,
  ROUND(SAFE_DIVIDE(CAST(spend AS NUMERIC), CAST(clicks AS NUMERIC)), 4) AS cpc,
  COALESCE(channel_completeness.incomplete_days, 0) AS incomplete_days,
  COALESCE(channel_completeness.incomplete_days, 0) = 0 AS is_complete,
  attributed_new_customer_revenue,
  -- NULL without spend: a channel that buys no ads (email, direct & organic) has no cost per new customer.
  ROUND(SAFE_DIVIDE(CAST(IF(spend > 0, spend, NULL) AS NUMERIC), CAST(attributed_new_customers AS NUMERIC)), @currency_places)
    AS new_customer_cpa,
  ROUND(SAFE_DIVIDE(CAST(attributed_new_customer_revenue AS NUMERIC), CAST(spend AS NUMERIC)), 4)
    AS new_customer_roas
FROM channel_months
LEFT JOIN channel_completeness
  ON channel_completeness.month = channel_months.month AND channel_completeness.channel = channel_months.channel
