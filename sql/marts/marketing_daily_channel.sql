-- Grain: one row per day and channel: platform-reported delivery and conversions next to the orders and
-- revenue attributed to the channel by the orders' UTM source.
WITH

ads AS (
  SELECT *
  FROM unified.ads_daily
  WHERE date BETWEEN @window_start AND @window_end
),

orders AS (
  SELECT order_date, channel, total_price
  FROM unified.shopify_orders
  WHERE order_date BETWEEN @window_start AND @window_end
    AND NOT is_cancelled
),

platform_days AS (
  SELECT
    date,
    channel,
    SUM(spend) AS spend,
    SUM(impressions) AS impressions,
    SUM(clicks) AS clicks,
    ROUND(SUM(conversions), 2) AS platform_conversions,
    SUM(conversion_value) AS platform_conversion_value
  FROM ads
  GROUP BY date, channel
),

attributed_days AS (
  SELECT
    order_date AS date,
    channel,
    COUNT(*) AS attributed_orders,
    COALESCE(SUM(total_price), 0) AS attributed_revenue
  FROM orders
  GROUP BY order_date, channel
),

combined AS (
  SELECT
    COALESCE(platform_days.date, attributed_days.date) AS date,
    COALESCE(platform_days.channel, attributed_days.channel) AS channel,
    COALESCE(platform_days.spend, 0) AS spend,
    COALESCE(platform_days.impressions, 0) AS impressions,
    COALESCE(platform_days.clicks, 0) AS clicks,
    COALESCE(platform_days.platform_conversions, 0) AS platform_conversions,
    COALESCE(platform_days.platform_conversion_value, 0) AS platform_conversion_value,
    COALESCE(attributed_days.attributed_orders, 0) AS attributed_orders,
    COALESCE(attributed_days.attributed_revenue, 0) AS attributed_revenue
  FROM platform_days
  FULL OUTER JOIN attributed_days
    ON attributed_days.date = platform_days.date AND attributed_days.channel = platform_days.channel
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
FROM combined
